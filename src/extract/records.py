"""The record contract as pydantic models.

These models are the single source of the JSON Schema (`extract schema`) and
of validation. Field names follow ../shared/docs/record-contract.md; anything
added beyond the contract is optional, so downstream tools can ignore it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.0"

Span = Annotated[
    tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]],
    Field(description="[start, end) code-point offsets into the article text; text[start:end] == text."),
]
Granularity = Literal["day", "month", "year", "week", "quarter", "half", "season", "decade", "century", "present"]
DateMod = Literal["START", "END", "MID", "APPROX", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN",
                  "MORE_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE"]
FindingKind = Literal["finding", "recommendation", "strength", "other"]
RatingStatus = Literal["current", "previous"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Model):
    """A piece of the article: the words and where they stand."""

    text: str
    span: Span

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.span[0] > self.span[1]:
            raise ValueError("span start is after its end")
        return self


class Rating(Mention):
    """A verdict given to a named body: who was rated, by whom, when, and whether it still stands."""

    grade: str = Field(description="Lower-case verdict: 'inadequate', 'requires improvement', 'not fit for purpose'.")
    kind: Literal["grade", "status"] = Field(
        "grade",
        description="'grade': a point on an inspectorate's scale; 'status': a standing such as 'special measures'.",
    )
    organisation: str | None = Field(None, description="The body rated, as named in the article.")
    service: str | None = Field(None, description="What was rated ('child protection services'), where stated.")
    rated_by: str | None = Field(None, description="Who gave the verdict ('Ofsted').")
    date: str | None = Field(None, description="When the verdict was given, ISO 8601 at its precision.")
    status: RatingStatus = Field("current", description="'current' if the verdict stands at publication.")
    mentions: list[Mention] = Field(default_factory=list, description="Every place the same verdict is stated.")


class Date(Mention):
    """A calendar date or period, normalised with TimeML TIMEX3 value conventions."""

    value: str | None = Field(None, description="ISO 8601 / TIMEX3 value at the expression's precision, or null.")
    granularity: Granularity | None = None
    relative: bool = Field(False, description="True when resolved against the publication date.")
    mod: DateMod | None = Field(None, description="TIMEX3 modifier: 'early' is START, 'late' END, 'mid' MID.")


class Official(_Model):
    """A named person holding a public or organisational role."""

    name: str = Field(description="Full name without honorific.")
    honorific: str | None = None
    roles: list[str] = Field(default_factory=list, description="Every title the article gives the person.")
    organisation: str | None = None
    party: str | None = None
    mentions: list[Mention] = Field(default_factory=list, description="Every mention, short forms included.")


class FindingItem(Mention):
    """One bullet's text without its bullet mark."""


class FindingList(_Model):
    """A bulleted or numbered list and what kind of list it is."""

    kind: FindingKind
    lead_in: str | None = Field(None, description="The sentence that introduces the list.")
    lead_in_span: Span | None = None
    source: str | None = Field(None, description="Who made the findings, where stated.")
    items: list[FindingItem] = Field(default_factory=list)


class Quote(Mention):
    """Quoted words (without the quotation marks) and who said them."""

    speaker: str | None = Field(None, description="The official's name or the organisation; null when unattributed.")
    speaker_span: Span | None = Field(None, description="Where the attribution to the speaker stands.")
    parts: list[Mention] = Field(
        default_factory=list, description="For a quote over several paragraphs: each paragraph's words, marks excluded."
    )


class Evidence(_Model):
    """Where the article's metadata was read from."""

    title: Mention | None = None
    publisher: Mention | None = None
    published: Mention | None = None
    authors: list[Mention] = Field(default_factory=list)


class Record(_Model):
    """One article's extraction."""

    schema_version: str = SCHEMA_VERSION
    id: str = Field(description="Hash of the article text: the same text always has the same id.")
    source: str = Field(description="The path as given on the command line; '-' for stdin.")
    title: str | None = None
    publisher: str | None = None
    published: str | None = Field(None, description="Publication date, ISO 8601 at its precision.")
    authors: list[str] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)
    dates: list[Date] = Field(default_factory=list)
    officials: list[Official] = Field(default_factory=list)
    findings: list[FindingList] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    evidence: Evidence = Field(default_factory=Evidence)
    extractor: str = Field("", description="Name and version of the extractor that made the record.")


def record_json_schema() -> dict:
    """The JSON Schema of a record, as published by `extract schema`."""
    return Record.model_json_schema()


def iter_spans(obj: object):
    """Every ([start, end], text) pair in a record as plain JSON data: what grounding checks walk."""
    if isinstance(obj, dict):
        if isinstance(obj.get("span"), list) and "text" in obj:
            yield obj["span"], obj["text"]
        for value in obj.values():
            yield from iter_spans(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from iter_spans(value)

