"""The vocabularies of the programme, as TextChoices that know their own rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Agency")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    OTHER = "other", _("Other partner")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")
    REVIEWER = "reviewer", _("Portfolio reviewer")
    ADMINISTRATOR = "administrator", _("Portfolio administrator")

    @classmethod
    def for_kind(cls, kind: str) -> list["Role"]:
        """The roles a membership of an organisation of this kind may carry."""
        if kind == OrganisationKind.AGENCY:
            return [cls.REVIEWER, cls.ADMINISTRATOR]
        return [cls.COORDINATOR, cls.VIEWER]


class Area(models.TextChoices):
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment")
    SOCIAL = "social", _("Social services / vulnerable citizens")
    CHILDREN = "children", _("Children and young people")
    ELDERLY = "elderly", _("Elderly care")
    CLIMATE = "climate", _("Climate and environment")
    TECHNICAL = "technical", _("Technical services and building")
    ADMINISTRATION = "administration", _("Administration")


class AITechnique(models.TextChoices):
    TEXT = "text", _("Text and language")
    IMAGE = "image", _("Image analysis")
    PREDICTION = "prediction", _("Prediction / classification")
    OPTIMISATION = "optimisation", _("Optimisation / planning")
    SPEECH = "speech", _("Speech")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    IN_OPERATION = "in_operation", _("In operation")
    SCALED = "scaled", _("Scaled to others")
    CLOSED = "closed", _("Closed without operation")
    STOPPED = "stopped", _("Stopped")

    @classmethod
    def closed_values(cls) -> list[str]:
        """Outcomes of a project that has ended without being in use."""
        return [cls.CLOSED, cls.STOPPED]

    @classmethod
    def following(
        cls,
        last_phase,
        *,
        current: str,
        in_operation: bool = False,
        spread: bool = False,
        closing_outcome: str = "",
    ) -> "Outcome":
        """The outcome that the organisations' operation decisions and the project's last
        phase imply. The solution is in operation when at least one organisation runs it,
        whatever the phases say (a stopped pilot can still be taken into use later); it is
        scaled when it runs in an organisation that joined to adopt it, or when the project is
        in its scaling phase. Otherwise a stop at a gate ends the project the way the stop said
        (`closing_outcome`: stopped or closed without operation; else as it is, else stopped)."""
        if in_operation:
            scaling = last_phase is not None and last_phase.kind == PhaseKind.SCALING
            return cls.SCALED if spread or scaling else cls.IN_OPERATION
        stopped = last_phase is not None and last_phase.gate_decision == GateDecision.STOP
        if stopped and last_phase.ended_on:
            if closing_outcome in cls.closed_values():
                return cls(closing_outcome)
            return cls(current) if current in cls.closed_values() else cls.STOPPED
        return cls.ONGOING


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class DPIAStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    NOT_REQUIRED = "not_required", _("Not required")


class AIActRiskClass(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    MINIMAL = "minimal", _("Minimal risk")
    LIMITED = "limited", _("Limited risk (transparency)")
    HIGH = "high", _("High risk")
    PROHIBITED = "prohibited", _("Prohibited (unacceptable risk)")


class AIActRole(models.TextChoices):
    UNKNOWN = "", _("Not determined")
    PROVIDER = "provider", _("Provider")
    DEPLOYER = "deployer", _("Deployer")


class PhaseKind(models.TextChoices):
    """The phases in their order; a gate decision at the end of each opens the next."""

    CLARIFICATION = "clarification", _("Clarification")
    DEVELOPMENT = "development", _("Development")
    TRIAL = "trial", _("Trial")
    IMPLEMENTATION = "implementation", _("Implementation")
    OPERATION = "operation", _("Operation")
    SCALING = "scaling", _("Scaling")

    @property
    def order(self) -> int:
        return list(PhaseKind).index(self) + 1

    @property
    def next(self) -> "PhaseKind | None":
        kinds = list(PhaseKind)
        position = kinds.index(self)
        return kinds[position + 1] if position + 1 < len(kinds) else None


class GateDecision(models.TextChoices):
    GO = "go", _("Go")
    GO_WITH_CONDITIONS = "go_with_conditions", _("Go with conditions")
    ON_HOLD = "on_hold", _("On hold")
    STOP = "stop", _("Stop")

    @property
    def ends_phase(self) -> bool:
        return self is not GateDecision.ON_HOLD


class TrafficLight(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class BarrierCategory(models.TextChoices):
    LEGAL = "legal", _("Legal / GDPR")
    REGULATION = "regulation", _("Other regulation (MDR, AI Act)")
    DATA = "data", _("Data")
    ETHICS = "ethics", _("Ethics")
    TECHNOLOGY = "technology", _("Technology and infrastructure")
    ORGANISATION = "organisation", _("Organisation and competences")
    ECONOMY = "economy", _("Economy / business case")
    SUPPLIERS = "suppliers", _("Suppliers and procurement")
    OTHER = "other", _("Other")


class LessonCategory(models.TextChoices):
    """The barrier categories plus the project process itself."""

    LEGAL = BarrierCategory.LEGAL.value, BarrierCategory.LEGAL.label
    REGULATION = BarrierCategory.REGULATION.value, BarrierCategory.REGULATION.label
    DATA = BarrierCategory.DATA.value, BarrierCategory.DATA.label
    ETHICS = BarrierCategory.ETHICS.value, BarrierCategory.ETHICS.label
    TECHNOLOGY = BarrierCategory.TECHNOLOGY.value, BarrierCategory.TECHNOLOGY.label
    ORGANISATION = BarrierCategory.ORGANISATION.value, BarrierCategory.ORGANISATION.label
    ECONOMY = BarrierCategory.ECONOMY.value, BarrierCategory.ECONOMY.label
    SUPPLIERS = BarrierCategory.SUPPLIERS.value, BarrierCategory.SUPPLIERS.label
    PROCESS = "process", _("Project process")
    OTHER = BarrierCategory.OTHER.value, BarrierCategory.OTHER.label


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class BarrierStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HANDLING = "handling", _("Being handled")
    BLOCKING = "blocking", _("Blocking")
    RESOLVED = "resolved", _("Resolved")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed with the project")

    @classmethod
    def open_values(cls) -> list[str]:
        """Statuses of a barrier that still stands in the project's way."""
        return [cls.OPEN, cls.HANDLING, cls.BLOCKING]


class DecisionKind(models.TextChoices):
    GATE = "gate", _("Gate decision")
    SCOPE = "scope", _("Scope")
    SUPPLIER = "supplier", _("Supplier")
    GO_LIVE = "go_live", _("Go-live")
    STOP = "stop", _("Stop")
    OTHER = "other", _("Other")


class LessonVisibility(models.TextChoices):
    # The labels say who reads the lesson: a project's records are read by its lead and
    # participating organisations and by the agency.
    PROJECT = "project", _("The project's organisations and the agency")
    PORTFOLIO = "portfolio", _("Everyone signed in (shared with the portfolio)")


class ReviewNoteKind(models.TextChoices):
    NOTE = "note", _("Review note")
    FOLLOW_UP = "follow_up", _("Follow-up request")


class ParticipationKind(models.TextChoices):
    PARTNER = "partner", _("Partner in the pilot")
    ADOPTER = "adopter", _("Joined to adopt the solution")


class OperationDecisionKind(models.TextChoices):
    IN_OPERATION = "in_operation", _("Put into operation")
    NOT_TO = "not_to", _("Decided not to")
    POSTPONED = "postponed", _("Postponed")
    UNDECIDED = "undecided", _("Not yet decided")

    @classmethod
    def needing_reason(cls) -> list[str]:
        """Decisions that must say why the solution is not (yet) in operation."""
        return [cls.NOT_TO, cls.POSTPONED]


class StopReason(models.TextChoices):
    """Why an organisation did not put a solution into operation, or a project closed."""

    NO_LEGAL_BASIS = "no_legal_basis", _("No legal basis for operation")
    DATA_PROTECTION = "data_protection", _("GDPR / data protection")
    DATA = "data", _("Data quality or access")
    REGULATION = "regulation", _("Medical-device or AI Act requirements")
    BUSINESS_CASE = "business_case", _("Business case / value too small")
    SUPPLIER = "supplier", _("Supplier or licence")
    CAPACITY = "capacity", _("Organisational capacity or competence")
    INTEGRATION = "integration", _("Technical integration")
    OTHER = "other", _("Other")


class BenefitKind(models.TextChoices):
    HOURS = "hours", _("Hours freed")
    DKK = "dkk", _("Kroner saved")
    QUALITY = "quality", _("Quality")
    CITIZEN = "citizen", _("Citizen experience")

    @classmethod
    def summable(cls) -> list[str]:
        """Kinds measured in one unit across projects, so their figures can be added up."""
        return [cls.HOURS, cls.DKK]

    @property
    def default_unit(self) -> str:
        return {
            BenefitKind.HOURS: _("hours per year"),
            BenefitKind.DKK: _("DKK per year"),
            BenefitKind.QUALITY: _("score"),
            BenefitKind.CITIZEN: _("score"),
        }[self]


class MeasurementFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


class SupplierRole(models.TextChoices):
    DEVELOPMENT = "development", _("Development")
    CONSULTING = "consulting", _("Consultancy")
    LEGAL = "legal", _("Legal advice")
    LICENCE = "licence", _("Licence or platform")
    OPERATION = "operation", _("Operation and maintenance")
    OTHER = "other", _("Other")


class AnnexIIIArea(models.TextChoices):
    """The high-risk areas of the AI Act's Annex III a system may fall in."""

    NONE = "", _("None (not an Annex III system)")
    BIOMETRICS = "biometrics", _("1. Biometrics")
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure", _("2. Critical infrastructure")
    EDUCATION = "education", _("3. Education and vocational training")
    EMPLOYMENT = "employment", _("4. Employment and workers' management")
    ESSENTIAL_SERVICES = "essential_services", _("5. Essential public and private services")
    LAW_ENFORCEMENT = "law_enforcement", _("6. Law enforcement")
    MIGRATION = "migration", _("7. Migration, asylum and border control")
    JUSTICE = "justice", _("8. Administration of justice and democratic processes")


class ObligationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.NOT_STARTED, cls.IN_PROGRESS]


class LegalArea(models.TextChoices):
    GDPR = "gdpr", _("GDPR / data protection")
    AI_ACT = "ai_act", _("AI Act")
    MEDICAL_DEVICES = "medical_devices", _("Medical devices (MDR)")
    PUBLIC_ADMINISTRATION = "public_administration", _("Public administration law")
    PROCUREMENT = "procurement", _("Procurement")
    OTHER = "other", _("Other")

    @classmethod
    def for_barrier_category(cls, category: str) -> list["LegalArea"]:
        """The legal areas whose answers matter beside a barrier of this category."""
        return {
            "legal": [cls.GDPR, cls.PUBLIC_ADMINISTRATION],
            "regulation": [cls.AI_ACT, cls.MEDICAL_DEVICES],
            "suppliers": [cls.PROCUREMENT],
            "data": [cls.GDPR],
            "ethics": [cls.AI_ACT, cls.GDPR],
        }.get(category, [])


class LegalAddressee(models.TextChoices):
    AGENCY = "agency", _("The agency")
    DATATILSYNET = "datatilsynet", _("Datatilsynet (the Data Protection Agency)")
    KL = "kl", _("KL (Local Government Denmark)")
    OWN_LEGAL = "own_legal", _("Own legal department")
    EXTERNAL = "external", _("External adviser")


class LegalQuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("No longer relevant")
