"""The project's date and time formats (FORMAT_MODULE_PATH), one per language.

Pages, notifications and e-mails all write a moment with DATETIME_FORMAT; the
short form is the same, so nothing shows a second style by accident.
"""
