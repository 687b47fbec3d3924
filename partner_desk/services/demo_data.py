"""The fixed vocabulary of the demo data set: agency and client names, managers, currencies."""

from __future__ import annotations

from decimal import Decimal

AGENCY_NAMES = (
    "Brightline Digital", "North Star Media", "Kyiv Growth Lab", "Pixel & Pulse", "Bluefin Marketing",
    "Adriatic Performance", "Sakura Reach", "Gulf Lead Partners", "Vistula Interactive", "Carpathian Ads",
    "Lighthouse Leads", "Orbit Search", "Dnipro Clicks", "Red Fox Agency", "Tokyo Funnel Works",
    "Amber Coast Digital", "Harbour & Hill", "Lviv Conversion Studio", "Meridian PPC", "Silver Arrow Media",
    "Baltic Bridge Marketing", "Kestrel Analytics", "Odesa Performance Group", "Crescent Call Marketing",
    "Greenfield SEO", "Warsaw Web Partners", "Fjord Digital", "Summit Lead Gen", "Kharkiv Traffic Co",
    "Blue Lagoon Ads", "Osaka Search Partners", "Al Noor Digital", "Danube Media House", "Copperleaf Agency",
    "Maple & Co Marketing", "Polaris Growth",
)

CLIENT_PREFIXES = (
    "Smile", "City", "Green", "Prime", "Family", "Auto", "Nova", "Happy", "Sun", "Royal", "Metro",
    "Golden", "Fresh", "Urban", "Alpha", "Blue", "Silver", "Star", "Oak", "River",
)
CLIENT_KINDS = (
    "Dental Clinic", "Auto Service", "Realty", "Fitness Club", "Language School", "Furniture",
    "Flowers", "Travel", "Legal Services", "Pet Clinic", "Bakery", "Windows & Doors", "Beauty Studio",
    "Car Rental", "Hostel", "Kids Academy", "Pharmacy", "Tile Store", "Insurance", "Logistics",
)

MANAGERS = ("olena", "petro", "iryna", "andriy", "maria")

# Partner currencies in the order agencies get them; JPY has no minor unit and KWD three.
PARTNER_CURRENCIES = ("UAH", "USD", "EUR", "PLN", "JPY", "KWD", "GBP")

# Units per 1 USD on the first rate day, and the digits each rate is quoted with.
BASE_RATES: dict[str, tuple[Decimal, int]] = {
    "EUR": (Decimal("0.9215"), 4),
    "UAH": (Decimal("41.2740"), 4),
    "PLN": (Decimal("3.9520"), 4),
    "JPY": (Decimal("149.32"), 2),
    "KWD": (Decimal("0.30745"), 5),
    "GBP": (Decimal("0.7880"), 4),
}

# Monthly subscription turnover (USD) an agency of each size aims at, one band per commission level
# of the default table (10/15/20/25/30 %), kept clear of the thresholds so jitter stays inside.
SIZE_BANDS: tuple[tuple[int, int], ...] = (
    (150, 420),
    (650, 1300),
    (1900, 4200),
    (6000, 8800),
    (11500, 18000),
)
