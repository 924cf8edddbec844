"""The strategy cockpit's data, split by meaning.

* :mod:`.fields` – the strategy with its principles, Handlungsfelder (vision, goals)
* :mod:`.quickcheck` – Quick-Check rounds, criteria, participants, ratings, tier decisions
* :mod:`.workshops` – workshops and conferences, project ideas, working groups
* :mod:`.projects` – project portfolio (Steckbriefe), milestones, KPIs
* :mod:`.finance` – budget lines, Stellenplan, funding programmes, calls, applications, reminders
* :mod:`.knowledge` – reusable solutions (Einer für Alle) and lessons learnt
* :mod:`.report` – the Sachstandsbericht / Sitzungsvorlage draft
"""

from amtsweg.strategy.models.fields import FieldOfAction, Goal, Principle, Strategy
from amtsweg.strategy.models.finance import (
    BudgetLine,
    FundingApplication,
    FundingCall,
    FundingProgramme,
    Position,
    ReminderSent,
)
from amtsweg.strategy.models.knowledge import Lesson, Solution
from amtsweg.strategy.models.projects import Milestone, Project, ProjectKpi
from amtsweg.strategy.models.quickcheck import (
    Criterion,
    QuickCheckRound,
    Rating,
    RoundParticipant,
    Score,
    Tier,
    TierDecision,
)
from amtsweg.strategy.models.report import Report
from amtsweg.strategy.models.rollup import CaseMonth, RollupMonth, SubmissionMonth
from amtsweg.strategy.models.workshops import (
    ProjectIdea,
    WorkingGroup,
    WorkingGroupMember,
    Workshop,
)

__all__ = [
    "BudgetLine",
    "CaseMonth",
    "Criterion",
    "FieldOfAction",
    "FundingApplication",
    "FundingCall",
    "FundingProgramme",
    "Goal",
    "Lesson",
    "Milestone",
    "Position",
    "Principle",
    "Project",
    "ProjectIdea",
    "ProjectKpi",
    "QuickCheckRound",
    "Rating",
    "ReminderSent",
    "Report",
    "RollupMonth",
    "RoundParticipant",
    "Score",
    "Solution",
    "Strategy",
    "SubmissionMonth",
    "Tier",
    "TierDecision",
    "WorkingGroup",
    "WorkingGroupMember",
    "Workshop",
]
