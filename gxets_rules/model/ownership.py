"""The ownership format ``gxets.ownership.v1``: who is a GX League participant, who holds what, and when.

An overseas voluntary credit counts only if "GX League participants etc." (seed 図表6 ※1) were involved in its
project from the start and stayed involved (※2–※4). That is a question about a corporate graph over time, so this
file describes the graph and its history: entities, the GX League roster of representative participating companies,
organisational-boundary declarations, dated shareholdings (an exact share or a min–max range), project facts, and
technology or solution provision. Dates are inclusive: ``to`` is the last day a holding or role applied; no ``to``
means it still applies.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from gxets_rules.model.base import CountryCode, Day, Exact, Identifier, StrictModel, Text

OWNERSHIP_FORMAT = "gxets.ownership.v1"

Share = Annotated[Exact, Field(ge=0, le=1, description="A fraction of the whole, e.g. 0.30 for 30 %.")]


class Dated(StrictModel):
    """Something that applies from one day to another (both inclusive; no ``to``: still applies)."""

    from_: Day = Field(alias="from", description="First day it applies.")
    to: Day | None = Field(default=None, description="Last day it applies; omit if it still applies.")

    model_config = StrictModel.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.to is not None and self.to < self.from_:
            raise PydanticCustomError(
                "gxets.dates_order",
                "`to` {to} is before `from` {start}",
                {"to": self.to, "start": self.from_, "at": "to"},
            )
        return self

    def active_on(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class Entity(StrictModel):
    id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=300)]
    country: CountryCode
    kind: Literal["company", "project", "fund", "public_body"]


class ShareRange(StrictModel):
    """A holding known only within bounds (e.g. a fund's stake reported as 15–25 %)."""

    min: Share
    max: Share

    @model_validator(mode="after")
    def _ordered(self) -> ShareRange:
        if self.max < self.min:
            raise PydanticCustomError(
                "gxets.range_order", "max {max} is below min {min}", {"max": self.max, "min": self.min, "at": "max"}
            )
        return self


class Participant(Dated):
    """A representative participating company (代表参画企業) on the GX League roster."""

    entity: Identifier


class Boundary(Dated):
    """Entity inside the organisational boundary (組織境界) of a representative company."""

    entity: Identifier
    representative: Identifier


class Holding(Dated):
    """An equity holding (出資): ``owner`` holds ``share`` of ``owned``."""

    owner: Identifier
    owned: Identifier
    share: Share | ShareRange


class JcmDifficulty(StrictModel):
    """A technical reason why the project cannot run under the JCM (※5), and whether the secretariat accepted it."""

    reason: Text
    status: Literal["claimed", "recognised"] = Field(description="recognised: accepted by the GX League secretariat.")


class ProjectFacts(StrictModel):
    entity: Identifier = Field(description="The project's entity id; equals the credit lot's project.id.")
    started_on: Day | None = None
    first_issuance_completed_on: Day | None = Field(
        default=None,
        description="Date the project's first credit issuance was completed (end of the initial phase, ※2).",
    )
    jcm_difficulty: JcmDifficulty | None = None


class TechnologyProvision(Dated):
    """A participant's technology or solution provided to a project (技術・ソリューションの提供, ※4)."""

    provider: Identifier
    project: Identifier
    description: Text | None = None


class Ownership(StrictModel):
    format: Literal["gxets.ownership.v1"]
    entities: list[Entity]
    participants: list[Participant] = Field(default_factory=list)
    boundaries: list[Boundary] = Field(default_factory=list)
    holdings: list[Holding] = Field(default_factory=list)
    projects: list[ProjectFacts] = Field(default_factory=list)
    technology: list[TechnologyProvision] = Field(default_factory=list)
