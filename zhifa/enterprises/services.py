"""State changes of enterprises: every path (views, API, import, CLI) saves through here.

Saving reclassifies the enterprise by the rule in force unless an officer has overridden its class,
bumps its version (optimistic locking: an edit based on an old version is refused, not silently
lost) and writes the classification history when the class changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhifa.enterprises.choices import ClassificationSource
from zhifa.enterprises.models import Classification, ClassRule, ClassRuleSet, Enterprise


class ConcurrentEditError(ValidationError):
    pass


@dataclass(frozen=True)
class ClassResult:
    enforcement_class: str
    ruleset: ClassRuleSet | None
    rule: ClassRule | None

    @property
    def description(self) -> str:
        if self.rule is not None:
            return self.rule.description
        return _("未命中任何规则，取默认类别") if self.ruleset else _("未配置分类规则")


class Classifier:
    """Evaluates one rule version; load once and reuse for many enterprises (imports, demo data)."""

    def __init__(self, ruleset: ClassRuleSet | None = None):
        self.ruleset = ruleset if ruleset is not None else ClassRuleSet.current()
        self.rules = list(self.ruleset.rules.order_by("priority")) if self.ruleset else []

    def evaluate(self, enterprise: Enterprise) -> ClassResult:
        for rule in self.rules:
            if rule.matches(enterprise):
                return ClassResult(rule.enforcement_class, self.ruleset, rule)
        default = self.ruleset.default_class if self.ruleset else enterprise.enforcement_class
        return ClassResult(default, self.ruleset, None)


def _history(enterprise, previous, result: ClassResult | None, *, source, reason="", user=None):
    Classification.objects.create(
        enterprise=enterprise,
        enforcement_class=enterprise.enforcement_class,
        previous_class=previous or "",
        source=source,
        ruleset=result.ruleset if result else enterprise.class_ruleset,
        rule_description=result.description if result else "",
        reason=reason,
        decided_by=user if getattr(user, "is_authenticated", False) else None,
    )


def save_enterprise(
    enterprise: Enterprise,
    *,
    user=None,
    expected_version: int | None = None,
    classifier: Classifier | None = None,
) -> Enterprise:
    """Validate, reclassify and save; refuse an edit made on a stale version.

    ``expected_version`` is the version the user read (the form's hidden field, the API's
    ``version``). Without it the edit is checked against the version the instance was loaded with:
    every field is written back, so saving a copy loaded before someone else's save would otherwise
    put their change back silently.
    """
    enterprise.full_clean(exclude=["version"])
    with transaction.atomic():
        previous_class = ""
        if enterprise.pk:
            if expected_version is None:
                expected_version = enterprise.version
            current = (
                Enterprise.objects.select_for_update()
                .filter(pk=enterprise.pk)
                .values("version", "enforcement_class")
                .first()
            )
            if current is None:
                raise ValidationError(_("该企业不存在或已被移除"))
            if expected_version is not None and current["version"] != expected_version:
                raise ConcurrentEditError(
                    _(
                        "该企业已被他人修改（当前版本 %(current)s，您编辑的是版本 %(yours)s），请刷新后重新填写。"
                    )
                    % {"current": current["version"], "yours": expected_version},
                    code="conflict",
                )
            previous_class = current["enforcement_class"]
            enterprise.version = current["version"] + 1
        result = None
        if not enterprise.class_overridden:
            result = (classifier or Classifier()).evaluate(enterprise)
            enterprise.enforcement_class = result.enforcement_class
            enterprise.class_ruleset = result.ruleset
        enterprise.save()
        if enterprise.enforcement_class != previous_class:
            _history(enterprise, previous_class, result, source=ClassificationSource.RULE, user=user)
    return enterprise


def override_class(enterprise: Enterprise, new_class: str, reason: str, *, user) -> Enterprise:
    """An officer sets the class by hand; the reason is required and kept in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"class_override_reason": _("人工调整执法类别必须填写理由")})
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        previous = locked.enforcement_class
        locked.enforcement_class = new_class
        locked.class_overridden = True
        locked.class_override_reason = reason
        locked.version += 1
        locked.full_clean(exclude=["version"])
        locked.save()
        _history(locked, previous, None, source=ClassificationSource.OVERRIDE, reason=reason, user=user)
    return locked


def clear_override(enterprise: Enterprise, *, user) -> Enterprise:
    """Return the enterprise to the class the rule in force gives it."""
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        locked.class_overridden = False
        locked.class_override_reason = ""
        return save_enterprise(locked, user=user)


def reclassify_all(*, user=None, ruleset: ClassRuleSet | None = None) -> int:
    """Apply a (new) rule version to every enterprise not overridden by hand; returns how many changed."""
    classifier = Classifier(ruleset)
    changed = 0
    for enterprise in (
        Enterprise.objects.filter(class_overridden=False).select_related("board", "industry").iterator()
    ):
        result = classifier.evaluate(enterprise)
        if result.enforcement_class != enterprise.enforcement_class or enterprise.class_ruleset_id != getattr(
            result.ruleset, "pk", None
        ):
            try:
                save_enterprise(enterprise, user=user, classifier=classifier)
            except ConcurrentEditError:
                # Edited since this loop read it: classify the row as it is now, keeping that edit.
                save_enterprise(Enterprise.objects.get(pk=enterprise.pk), user=user, classifier=classifier)
            changed += 1
    return changed
