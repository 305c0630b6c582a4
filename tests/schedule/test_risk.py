"""Schedule risk of a stored project: the API and the page run the engine over the rows
(`adapters.load_network`), check their input field by field, and the demo tower has the
three-point durations the page needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from sitebook.engine.risk import Distribution
from sitebook.schedule import demo
from sitebook.schedule.models import Activity, ScheduleSettings
from sitebook.schedule.risk import risk_of
from tests.conftest import ApiClient
from tests.schedule.routes import DAY, sched


def _url(world: Any) -> str:
    return f"/api/v1/projects/{world.project.pk}/risk"


def _three_points(world: Any, spread: int = DAY) -> dict[str, Any]:
    """A100 and A200 get (d - spread, d, d + 2 spread); A300 keeps none."""
    found = sched(world)
    for code in ("A100", "A200"):
        d = found[code].original_duration
        Activity.objects.filter(pk=found[code].pk).update(
            optimistic_duration=d - spread,
            most_likely_duration=d,
            pessimistic_duration=d + 2 * spread,
        )
    return found


def test_equal_three_points_give_the_stored_cpm_finish(world_a: Any) -> None:
    _three_points(world_a, spread=0)
    response = ApiClient(world_a.admin).post(_url(world_a), {"iterations": 100, "seed": 3})
    assert response.status_code == 200, response.content
    body = response.json()
    stored = ScheduleSettings.objects.get(project=world_a.project).finish
    assert stored is not None
    finish = dt.datetime.fromisoformat(body["deterministic_finish"])
    assert finish == stored
    for key in ("p10", "p50", "p80", "p90", "mean_finish", "model_finish"):
        assert dt.datetime.fromisoformat(body[key]) == stored, key
    assert body["deterministic_percentile"] == 100.0
    assert body["sampled_count"] == 2
    by_code = {a["code"]: a for a in body["activities"]}
    assert by_code["A100"]["criticality"] == by_code["A200"]["criticality"] == 1.0
    assert by_code["A300"]["criticality"] == 0.0
    assert (by_code["A100"]["sampled"], by_code["A300"]["sampled"]) == (True, False)
    assert body["activities"][0]["criticality"] >= body["activities"][-1]["criticality"]


def test_a_seeded_run_repeats_and_spreads_the_finish(world_a: Any) -> None:
    _three_points(world_a)
    client = ApiClient(world_a.admin)
    first = client.post(_url(world_a), {"iterations": 500, "distribution": "pert", "seed": 9})
    again = client.post(_url(world_a), {"iterations": 500, "distribution": "pert", "seed": 9})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert body["distribution"] == "pert" and body["seed"] == 9
    p10, p90 = (dt.datetime.fromisoformat(body[k]) for k in ("p10", "p90"))
    assert p10 < p90
    assert sum(b["count"] for b in body["histogram"]) == 500
    unseeded = client.post(_url(world_a), {"iterations": 100}).json()
    assert isinstance(unseeded["seed"], int)


def test_iterations_out_of_range_are_refused_by_name(world_a: Any) -> None:
    _three_points(world_a)
    client = ApiClient(world_a.admin)
    for bad in (99, 20_001):
        response = client.post(_url(world_a), {"iterations": bad})
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == ["iterations"]
    response = client.post(_url(world_a), {"distribution": "normal"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["distribution"]


def test_a_project_without_three_point_durations_is_refused_naming_activities(
    world_a: Any,
) -> None:
    sched(world_a)
    response = ApiClient(world_a.admin).post(_url(world_a), {"iterations": 100})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["activities"]


def test_three_points_out_of_order_are_refused_with_their_codes(world_a: Any) -> None:
    found = _three_points(world_a)
    Activity.objects.filter(pk=found["A200"].pk).update(optimistic_duration=99 * DAY)
    response = ApiClient(world_a.admin).post(_url(world_a), {"iterations": 100})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["activities"]
    assert "A200" in errors[0]["message"]


def test_the_page_runs_the_analysis_and_lists_the_critical_activities(world_a: Any) -> None:
    _three_points(world_a)
    web = Client()
    web.force_login(world_a.admin)
    url = f"/projects/{world_a.project.pk}/schedule/risk/"
    page = web.get(url)
    assert page.status_code == 200
    assert b'id="risk-form"' in page.content
    assert b'id="risk-table"' not in page.content
    run = web.post(url, {"iterations": "300", "distribution": "triangular", "seed": "5"})
    assert run.status_code == 200
    text = run.content.decode()
    assert 'id="risk-table"' in text and "A100" in text and 'id="risk-data"' in text
    bad = web.post(url, {"iterations": "50", "distribution": "triangular", "seed": ""})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode()


def test_the_demo_tower_has_three_point_durations_on_every_task(world_a: Any) -> None:
    demo.load(actor=world_a.admin, project=world_a.project)
    found = risk_of(world_a.project, 200, Distribution.TRIANGULAR, 1)
    tasks = [code for code, _w, _n, days, _p, _c in demo.ACTIVITIES if days]
    assert found["sampled_count"] == len(tasks) == len(demo.THREE_POINTS)
    assert found["p80"] > found["deterministic_finish"]
    assert {a["code"] for a in found["activities"] if a["sampled"]} == set(tasks)
