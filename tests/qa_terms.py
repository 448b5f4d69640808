"""The glossary the QA benchmark (bench/qa.py) and the term tests use on TICO-19."""

from __future__ import annotations

# Terms TICO-19's translators use consistently (the English renders the Persian in 80% or more of
# the units holding it), each with a word that could wrongly stand for it and, for some, a
# forbidden variant.
TERMS = [
    ("واکسن", ["vaccine"], "serum", "jab"), ("ماسک", ["mask"], "veil", None),
    ("بیمارستان", ["hospital"], "clinic", "infirmary"), ("علائم", ["symptom"], "sign", None),
    ("تب", ["fever"], "temperature", None), ("عفونت", ["infection"], "illness", None),
    ("کرونا", ["coronavirus", "corona virus"], "virus", "corona"), ("کووید-۱۹", ["COVID-19"], "flu", None),
    ("صابون", ["soap"], "cleanser", "detergent"), ("آب", ["water"], "liquid", None),
    ("ریه", ["lung"], "chest", None), ("سازمان بهداشت جهانی", ["World Health Organization", "WHO"], "agency", None),
    ("ووهان", ["Wuhan"], "Hubei", None), ("کودک", ["child"], "youngster", "kid"),
    ("خانه", ["home", "house"], "place", None), ("پروتئین", ["protein"], "molecule", None),
    ("دولت", ["government"], "state", "regime"), ("ایتالیا", ["Italy"], "Spain", None),
    ("جمعیت", ["population"], "people", None), ("سلول", ["cell"], "unit", None),
    ("مطالعه", ["study"], "paper", None), ("دارو", ["drug", "medicine", "medication"], "substance", "remedy"),
    ("تنفس", ["breathing", "respiratory"], "air", None), ("کشور", ["country"], "nation", None),
    ("شیوع", ["outbreak", "spread", "prevalence"], "wave", None), ("چین", ["China"], "Asia", None),
    ("گلو", ["throat"], "neck", None),
]

# A domain-only glossary for measuring false alarms on real text: TERMS less the words of general
# language that a termbase of the field (health, COVID-19) would not list and that translators
# render freely (`nationwide`, `states`, `administration`, `incidence`, `common`, `treatments`,
# `indoors`, `crowds`): country, government, population, water, home, child, study, medicine and
# spread (شیوع: "spread, commonness" as much as "outbreak"). Kept: diseases, pathogens, anatomy,
# symptoms, medical products, organisations and places.
GENERAL_WORDS = ("کشور", "دولت", "جمعیت", "آب", "خانه", "کودک", "مطالعه", "دارو", "شیوع")
DOMAIN_TERMS = [t for t in TERMS if t[0] not in GENERAL_WORDS]
