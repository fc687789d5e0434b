"""The catalogue's pieces on other pages: the solutions that came out of a project, the new
adoption interest an owner organisation has not seen, and the dashboard's solution figures."""

from django import template

from projects.selectors.solutions import (
    new_adoption_interest,
    solution_figures,
    solutions_of_project,
)

register = template.Library()


@register.inclusion_tag("projects/solutions/of_project.html")
def solutions_from(project):
    return {"solutions": solutions_of_project(project)}


@register.inclusion_tag("projects/solutions/interest_notice.html")
def adoption_interest_notice(user):
    return {"interest": new_adoption_interest(user)}


@register.inclusion_tag("projects/solutions/dashboard.html")
def solution_dashboard(figures=None):
    """The dashboard's solution figures: those given (computed with the rest of the
    dashboard), else computed now."""
    figures = dict(figures or solution_figures())
    figures["max_funnel"] = max([count for _stage, count in figures["funnel"]] + [1])
    return figures
