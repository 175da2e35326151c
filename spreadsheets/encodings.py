"""The text of a CSV file that is not UTF-8 or UTF-16: read in the encoding a person chose on the page matching its
columns, or else in the one guessed.

charset-normalizer guesses from how the bytes are spread, which a short file of names barely shows: a list of Polish
or Czech names saved as Windows-1250 was read as Windows-1252 ("£ukasz", "Dvoøák"). So between those two, the guess
is the one in which fewer words hold a sign inside a name (£, ¹) or letters that no one language writes together
(ø with á). Where both read as plausibly ("Hélène" is "Hélčne" in Windows-1250), it stays charset-normalizer's;
another of its guesses (Big5 for a few Polish names) yields to one of them that reads every word plausibly.
No guess is right for every file: the page matching columns shows names as read and offers the others.
"""

import re

from charset_normalizer import from_bytes

# The encodings offered, in the order a guess prefers them when a few bytes fit several equally well.
CHOICES = {"cp1252": "Windows-1252 (Western Europe, the Americas)", "cp1250": "Windows-1250 (Central Europe)",
           "cp1251": "Windows-1251 (Cyrillic)", "iso8859_15": "Latin-9 (ISO 8859-15)", "mac_roman": "Mac Roman"}
NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251", "iso8859_15": "Latin-9",
         "mac_roman": "Mac Roman"}
# The letters beyond A-Z of the languages each is written for, lower case, one string a language (or a few alike).
ALPHABETS = {
    "cp1252": ("àâçéèêëîïôûùüÿœ", "äöüß", "áéíóúñü", "áâãàçéêíóôõú", "àèéìíîòóù", "àçèéíïòóúü", "áéëïóöü",
               "æøåé", "åäöéšž", "äöõüšž", "áðéíóúýþæö"),  # French ... Danish, Swedish and Finnish, Estonian, Icelandic
    "cp1250": ("ąćęłńóśźż", "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "áéíóöőúüű", "ăâîşţ", "čćđšž", "äöüß",
               "çë"),  # Polish, Czech, Slovak, Hungarian, Romanian, Croatian and Slovenian, German, Albanian
}
# A word with a letter or sign beyond ASCII: ASCII letters, and anything beyond ASCII ("£ukasz" is one word).
WORD = re.compile(r"[A-Za-z]*[^\x00-\x7f][^\x00-\x40\x5b-\x60\x7b-\x7f]*")
SAMPLE_BYTES = 64 * 1024  # judged for the guess: about 1,000 rows, in 0.1 s at most (every word different)


def guessed(data: bytes) -> str | None:
    """The encoding a file of single-byte text most likely has; None if it does not read as text at all."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    close = [match for match in matches if match.chaos <= best.chaos]
    encoding = next((e for e in CHOICES if any(e in m.could_be_from_charset for m in close)), best.encoding)
    sample = data[:SAMPLE_BYTES]
    odd = {e: odd_words(sample.decode(e, errors="replace"), e) for e in ALPHABETS}
    # Another guess (Big5 for "Świątek") stands only if neither of these reads every word as a language writes it.
    if encoding in ALPHABETS or min(odd.values()) == 0:
        encoding = min(ALPHABETS, key=lambda e: (odd[e], e != encoding))
    return encoding


def odd_words(text: str, encoding: str) -> int:
    """How many of the words read in `encoding` (each once) hold a sign among their letters, or letters no one
    language of it has together."""
    odd = 0
    for word in set(WORD.findall(text)):
        beyond = {letter.lower() for letter in word if not letter.isascii()}
        if not all(letter.isalpha() for letter in beyond) or not any(beyond <= set(a) for a in ALPHABETS[encoding]):
            odd += 1
    return odd


def note(encoding: str, chosen: bool) -> str:
    name = NAMES.get(encoding, encoding)
    if chosen:
        return f"The file is not UTF-8: it was read as {name}, as you chose."
    return (f"The file is not UTF-8: it was read as {name}, a guess. Check that accented letters look right; if they "
            "do not, choose its encoding on the page matching its columns, or save it as “CSV UTF-8” and upload it "
            "again.")
