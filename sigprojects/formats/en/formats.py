"""English for Danish readers: day before month, a 24-hour clock, weeks from Monday."""

DATE_FORMAT = "j F Y"  # 29 November 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j F Y, H:i"  # 29 November 2026, 14:05
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-11-29, as the date fields show it
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1

# What the forms accept typed: the ISO date the date fields and lists show, and the Danish
# day.month.year. Never month/day/year: 03/04/2026 would mean different days to different
# readers.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-29
    "%d.%m.%Y",  # 29.11.2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
]
