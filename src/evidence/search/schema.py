"""The index schema: one Whoosh document per evidence record.

Text fields come in two forms — with diacritics (boosted at query time) and folded. `words_f` (all the text,
folded, counts only) is what the fast search path matches and ranks on, and `words_a` (the same, with its
accents) what it adds for words found with the accents they were typed with; `body_f` keeps positions for
phrases in queries the fast path leaves to Whoosh's own matchers. Numbers and codes are exact-match fields.
Links are many per record, so campaign, unit and criterion are multi-valued, and `link` holds every combination
of one link's values (`C|U|K`, `|U|K`, …) so a unit-and-criterion filter means one link of that unit to that
criterion.
"""

from __future__ import annotations

from itertools import product

from whoosh import fields

from .analysis import number_analyzer, vietnamese_text_field, vietnamese_words_field

# Bump whenever the fields, analyzers or what goes into them change: a stored index with another version is
# rebuilt automatically from the database.
SCHEMA_VERSION = 3


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        fingerprint=fields.STORED(),
        head=fields.STORED(),  # subject, issuer, file name: what a phrase is checked against besides the text
        subject=vietnamese_text_field(folded=False),
        subject_f=vietnamese_text_field(folded=True),
        body_f=vietnamese_text_field(folded=True),  # the subject and the text
        words_f=vietnamese_words_field(folded=True),  # subject (twice), text, issuer, file name
        words_a=vietnamese_words_field(folded=False),  # the same, lower case, accents kept
        filename=vietnamese_text_field(folded=True),
        issuer=vietnamese_text_field(folded=True),
        number=fields.TEXT(analyzer=number_analyzer(), phrase=False),
        refs=fields.KEYWORD(commas=True, lowercase=False, scorable=True),
        type=fields.ID(),
        issued=fields.ID(),
        campaign=fields.KEYWORD(commas=True, lowercase=False),
        unit=fields.KEYWORD(commas=True, lowercase=False),
        criterion=fields.KEYWORD(commas=True, lowercase=False),
        link=fields.KEYWORD(commas=True, lowercase=False),
    )


# Fields a plain query searches, with their weights: the accented forms count more, so `tài liệu` ranks a
# document that says `tài liệu` above one that only matches once accents are ignored.
MATCH_FIELDS = {"subject_f": 2.0, "body_f": 1.0, "issuer": 1.0, "filename": 0.5}  # decide what matches
BOOST_FIELDS = {"subject": 4.0}  # only add to the score of what matched (the text's accents: see fast.py)
TEXT_FIELD_BOOSTS = {**BOOST_FIELDS, **MATCH_FIELDS}


def link_key(campaign: str | None, unit: str | None, criterion: str | None) -> str:
    return f"{campaign or ''}|{unit or ''}|{criterion or ''}"


def link_keys(campaign: str, unit: str, criterion: str) -> list[str]:
    """Every filter combination one link satisfies (seven keys; the all-empty one is left out)."""
    keys = []
    for use_c, use_u, use_k in product((True, False), repeat=3):
        if use_c or use_u or use_k:
            keys.append(link_key(campaign if use_c else None, unit if use_u else None, criterion if use_k else None))
    return keys
