"""What an XLSX file may ask of the server before python-calamine reads it, beyond its sheet's extent
(reading.check_extent): its shared strings."""

import re
import zipfile

# calamine reads every shared string of a workbook into memory, whatever its sheet uses: 20,000,000 of them, 340 MB
# of XML in a file of 830 KB, took 1.1 GB and 15 s, at every step of an import. A workbook as a spreadsheet saves it
# has no more strings than cells, so the sheet's budget of cells (reading.SHEET_CELLS_MAX) bounds them too.
SHARED_STRINGS_MAX = 10_000_000
SHARED_STRING = re.compile(rb"<(?:\w{1,16}:)?si[\s>/]")  # an <si> element, with any namespace prefix
LONGEST_MATCH = 21
CHUNK_BYTES = 1024 * 1024


def too_many_strings(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook's shared strings number more than SHARED_STRINGS_MAX, counted as zipfile unpacks them, a
    chunk at a time (the part may be up to reading's UNPACKED_MAX)."""
    for info in archive.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        if info.file_size <= len(b"<si/>") * SHARED_STRINGS_MAX:  # too short to hold more (zipfile reads no more)
            continue
        count, carried = 0, b""
        with archive.open(info) as part:
            while chunk := part.read(CHUNK_BYTES):
                text = carried + chunk
                # A match wholly in the bytes carried over was counted with the chunk before.
                count += len(SHARED_STRING.findall(text)) - len(SHARED_STRING.findall(carried))
                if count > SHARED_STRINGS_MAX:
                    return True
                carried = text[-LONGEST_MATCH:]
    return False
