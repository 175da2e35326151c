"""End-to-end tests: the app served by a real server process, driven through Debian's Chromium."""
