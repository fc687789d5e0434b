"""Danish times are written with "kl." and a full stop: "28. november 2026 kl. 14.05"."""

TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
