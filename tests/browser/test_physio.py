"""Heart recordings in a real browser: upload to a session and see the charts with events
marked; connect a simulated Bluetooth strap and see live values saved."""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from somatrace.physio import services
from somatrace.physio.models import Recording
from somatrace.physio.testing import make_recording, rr_file, settling_rr
from somatrace.testing import make_session
from somatrace.therapy.testing import make_event, started_session

from .axe import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=30)


def test_upload_to_a_session_shows_charts_with_events_and_corrected_beats(
    signed_in_page, practitioner, session, live_server, tmp_path
) -> None:
    # What the console logged: a stillpoint at 10 min and a muscle release at 20 min.
    session.started_at = session.starts_at
    session.save(update_fields=["started_at"])
    make_event(session, "cue", code="stillpoint", seconds=600)
    make_event(session, "cue", code="muscle-release", seconds=1200)
    path = tmp_path / "session-rr.txt"
    path.write_bytes(rr_file(settling_rr(300, 1800, 300)))
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_text("Add a recording (chest strap RR or ECG file)").click()  # folded away
    page.get_by_label("Recording file").set_input_files(str(path))
    start = timezone.localtime(session.starts_at - timedelta(minutes=5))
    page.get_by_label("Recording start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(
        page.get_by_text("Recording read as RR intervals, one per line and analysed.")
    ).to_be_visible()
    panel = page.locator("#physio")
    expect(panel.locator(".vega-chart[data-rendered='true']")).to_have_count(2)
    svg = panel.locator(".vega-chart svg").first
    expect(svg.get_by_text("Stillpoint")).to_be_visible()
    expect(svg.get_by_text("Muscle release")).to_be_visible()
    expect(svg.get_by_text("Corrected beat")).to_be_visible()  # the legend
    expect(panel.locator(".physio-shift")).to_contain_text("lower at the end of the session")
    assert serious_violations(page) == []
    assert Recording.objects.get().status == "done"


def test_a_bad_file_shows_the_line_and_problem(
    signed_in_page, practitioner, session, live_server, tmp_path
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("800\n810\n820\n8l0\n")
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/physio/sessions/{session.pk}/recordings/new/")
    assert serious_violations(page) == []
    page.get_by_label("Recording file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.get_by_text("line 4: '8l0' is not a number")).to_be_visible()
    assert not Recording.objects.exists()


FAKE_STRAP = """
(() => {
  // A simulated Bluetooth heart-rate strap: after startNotifications it sends three
  // Heart Rate Measurement packets, crafted as the GATT spec lays them out.
  const packets = [
    // flags 0x10: uint8 HR, RR present. HR 75, RR 820/1000*1024 = 839.68 -> 840 (1/1024 s)
    [0x10, 75, ...u16(840), ...u16(819)],
    // flags 0x19: uint16 HR, energy present, RR present. HR 74, energy 10, RR 860, 850
    [0x19, ...u16(74), ...u16(10), ...u16(860), ...u16(850)],
    // flags 0x10: HR 73, one RR 870
    [0x10, 73, ...u16(870)],
  ];
  function u16(v) { return [v & 0xff, (v >> 8) & 0xff]; }
  class Characteristic extends EventTarget {
    async startNotifications() {
      packets.forEach((bytes, i) => setTimeout(() => {
        this.value = new DataView(new Uint8Array(bytes).buffer);
        this.dispatchEvent(new Event("characteristicvaluechanged"));
      }, 100 * (i + 1)));
      return this;
    }
  }
  const characteristic = new Characteristic();
  const device = {
    name: "Simulated strap",
    gatt: {
      connected: true,
      connect: async () => device.gatt,
      disconnect: () => { device.gatt.connected = false; },
      getPrimaryService: async (name) => ({
        getCharacteristic: async (c) => characteristic,
      }),
    },
  };
  Object.defineProperty(navigator, "bluetooth", {
    value: { requestDevice: async (options) => { window.__requested = options; return device; } },
  });
})();
"""


def test_a_simulated_strap_shows_live_values_and_saves_the_beats(
    signed_in_page, practitioner, session, live_server
) -> None:
    page = signed_in_page(practitioner)
    page.add_init_script(FAKE_STRAP)
    page.goto(f"{live_server.url}/physio/sessions/{session.pk}/live/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Connect a strap").click()
    expect(page.locator("#live-state")).to_contain_text("Recording from Simulated strap")
    expect(page.locator("#live-hr")).to_have_text("73")
    # RR (ms) = units * 1000 / 1024: 840 -> 820.3125, 819 -> 799.8047, 860 -> 839.8438,
    # 850 -> 830.0781, 870 -> 849.6094. Differences: -20.5078, 40.0391, -9.7656, 19.5313;
    # squares 420.57 + 1603.13 + 95.37 + 381.47 = 2500.54; / 4 = 625.13; sqrt = 25.0
    expect(page.locator("#live-rmssd")).to_have_text("25.0")
    assert page.evaluate("window.__requested.filters[0].services[0]") == "heart_rate"
    expect(page.locator("#live-stored")).to_have_text("5", timeout=10_000)
    recording = Recording.objects.get(session=session, kind="live")
    beats = services.live_series(recording)  # as received; analysed when stopped
    assert [round(v, 1) for v in beats] == [820.3, 799.8, 839.8, 830.1, 849.6]


def test_the_session_console_records_from_the_strap_beside_the_timeline(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    session = started_session(client_record)
    page = signed_in_page(practitioner)
    page.add_init_script(FAKE_STRAP)
    page.goto(f"{live_server.url}/sessions/{session.pk}/console/")
    page.get_by_role("button", name="Connect a strap").click()
    expect(page.locator("#live-hr")).to_have_text("73")
    expect(page.locator("#live-rmssd")).to_have_text("25.0")  # as worked out above
    expect(page.locator("#live-stored")).to_have_text("5", timeout=10_000)
    assert services.live_series(Recording.objects.get(session=session, kind="live")).size == 5
    assert serious_violations(page) == []


def test_recording_page_and_client_panel_pass_axe(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    for days in (9, 2):
        make_recording(
            client_record, make_session(client_record, days_ago=days, duration_minutes=20)
        )
    loose = make_recording(client_record)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/physio/recordings/{loose.pk}/")
    expect(page.locator(".vega-chart[data-rendered='true']")).to_have_count(1)
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/clients/{client_record.pk}/")
    panel = page.locator("#physio")
    expect(panel.locator(".vega-chart[data-rendered='true']")).to_have_count(1)
    expect(panel.get_by_text("Heart rate (bpm)").first).to_be_visible()
    assert serious_violations(page) == []


# --- The live recorder keeps every beat until the server has it ------------------------------
#
# The strap is simulated as above (navigator.bluetooth, Heart Rate Measurement packets built
# byte by byte). The network is cut with page.route, on POSTs to the live URL only (its GET
# is the page itself); our own HTTP code is not replaced.

LIVE_BEATS = [820.3, 799.8, 839.8, 830.1, 849.6]  # FAKE_STRAP's five RR values, worked out above


def live_url(live_server, session) -> str:
    return f"{live_server.url}/physio/sessions/{session.pk}/live/"


def live_posts(session) -> re.Pattern[str]:
    return re.compile(rf".*/physio/sessions/{session.pk}/live/$")


def batch_ids(recording: Recording) -> list[str]:
    """The ids of the live batches the server stored, in the order they came."""
    return [str(b) for b in recording.batches.order_by("pk").values_list("batch", flat=True)]


def watch_page_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def stored_on_device(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('somatrace.physio.live.'))"
    )


def test_unsent_beats_survive_a_reload_and_are_sent_once_the_server_is_back(
    signed_in_page, practitioner, session, live_server
) -> None:
    page = signed_in_page(practitioner)
    problems = watch_page_errors(page)
    page.add_init_script(FAKE_STRAP)
    attempts: list[dict] = []

    def unreachable(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        attempts.append(json.loads(route.request.post_data or "{}"))
        route.abort("internetdisconnected")

    page.route(live_posts(session), unreachable)
    page.goto(live_url(live_server, session))
    page.get_by_role("button", name="Connect a strap").click()
    expect(page.locator("#live-hr")).to_have_text("73")
    sync = page.locator("#live-sync")
    expect(sync).to_contain_text("5 beats waiting to be sent — no connection", timeout=10_000)
    assert attempts and attempts[0]["rr_ms"] == LIVE_BEATS
    assert not Recording.objects.exists()

    # Reload with the server still out of reach: the beats are still on the device, and the
    # page says so without a strap.
    page.reload()
    expect(page.locator("#live-state")).to_have_text("Not connected.")
    expect(sync).to_contain_text("5 beats waiting to be sent")
    expect(sync).not_to_contain_text("saved")
    assert not Recording.objects.exists()

    # The connection is back: the page sends them by itself, once.
    page.unroute(live_posts(session))
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(sync).to_have_text("All beats sent: 5 beats saved with the session.", timeout=15_000)
    expect(page.locator("#live-stored")).to_have_text("5")
    recording = Recording.objects.get(session=session, kind="live")
    assert [round(v, 1) for v in services.live_series(recording)] == LIVE_BEATS
    assert batch_ids(recording) == [attempts[0]["batch"]]  # the same batch, stored once
    assert stored_on_device(page) == []
    assert problems == []


def many_beats_strap(units: list[int]) -> str:
    """A simulated strap that sends `units` (RR in 1/1024 s) ten to a packet, 5 ms apart."""
    return (
        FAKE_STRAP.replace(
            "const packets = [",
            f"const units = {json.dumps(units)};\n  const packets = [];\n  const unused = [",
        ).replace(
            "  function u16(v)",
            "  for (let i = 0; i < units.length; i += 10) {\n"
            "    packets.push([0x10, 60, ...units.slice(i, i + 10).flatMap(u16)]);\n"
            "  }\n"
            "  function u16(v)",
        )
    ).replace("100 * (i + 1)", "5 * (i + 1)")


def test_a_backlog_goes_in_batches_the_server_takes_each_stored_once(
    signed_in_page, practitioner, session, live_server
) -> None:
    # 1100 beats while the server cannot be reached: more than one batch may hold.
    units = [900 + round(40 * math.sin(i / 15)) for i in range(1100)]
    expected = [math.floor(u * 1000 / 1024 * 10 + 0.5) / 10 for u in units]
    page = signed_in_page(practitioner)
    problems = watch_page_errors(page)
    page.add_init_script(many_beats_strap(units))
    sent: list[dict] = []
    network = {"up": False, "lost": 0}

    def flaky(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(json.loads(route.request.post_data or "{}"))
        if network["up"]:
            route.continue_()
        elif network["lost"] == 0:
            # The first batch reaches the server, but its answer is lost on the way back.
            network["lost"] += 1
            route.fetch()
            route.abort("connectionreset")
        else:
            route.abort("internetdisconnected")

    page.route(live_posts(session), flaky)
    page.goto(live_url(live_server, session))
    page.get_by_role("button", name="Connect a strap").click()
    sync = page.locator("#live-sync")
    expect(sync).to_contain_text("1100 beats waiting to be sent", timeout=10_000)
    page.get_by_role("button", name="Stop").click()
    expect(sync).to_contain_text("1100 beats waiting to be sent")
    assert batch_ids(Recording.objects.get(session=session)) == [sent[0]["batch"]]

    network["up"] = True
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(sync).to_have_text("All beats sent: 1100 beats saved with the session.", timeout=15_000)
    assert all(0 < len(body["rr_ms"]) <= services.MAX_LIVE_BATCH for body in sent)
    batches = list(dict.fromkeys(body["batch"] for body in sent))
    assert len(batches) == 3  # 500 + 500 + 100
    recording = Recording.objects.get(session=session, kind="live")
    assert batch_ids(recording) == batches
    raw = services.live_series(recording)
    assert raw.size == 1100  # the first batch, sent twice, is there once
    assert raw.tolist() == pytest.approx(expected, abs=0.01)  # and in order
    assert stored_on_device(page) == []
    assert problems == []


def test_a_batch_the_server_refuses_is_shown_and_not_called_saved(
    signed_in_page, practitioner, session, live_server
) -> None:
    page = signed_in_page(practitioner)
    problems = watch_page_errors(page)
    page.goto(live_url(live_server, session))
    # Two batches left on this device by an earlier visit (the queue is plain localStorage):
    # one holds an interval of 0 ms, which the server refuses; the other is good.
    post_url = f"/physio/sessions/{session.pk}/live/"
    items = [
        {"id": str(b), "url": post_url, "body": {"batch": str(b), "rr_ms": rr}}
        for b, rr in ((uuid.uuid4(), [810.0, 0]), (uuid.uuid4(), [800.0, 805.5]))
    ]
    page.evaluate(
        "([key, items]) => localStorage.setItem(key, JSON.stringify(items))",
        [f"somatrace.physio.live.{session.pk}", items],
    )
    page.reload()
    refused = page.get_by_role("alert")
    expect(refused).to_have_text(
        "The server refused 2 beats: RR intervals must be above 0 and at most 20000 ms. "
        "They were not saved."
    )
    sync = page.locator("#live-sync")
    expect(sync).to_have_text(
        "2 beats saved with the session; 2 beats refused and not saved.", timeout=10_000
    )
    expect(page.locator("#live-stored")).to_have_text("2")
    assert services.live_series(Recording.objects.get(session=session)).tolist() == [800.0, 805.5]
    assert stored_on_device(page) == []  # refused: set aside, never retried
    assert serious_violations(page) == []
    assert problems == []


# --- Honest numbers: poor signal flagged, labels that do not pile up, files named ------------


def _ecg_with_a_noisy_stretch(seconds: int = 240, fs: int = 130) -> bytes:
    import neurokit2 as nk

    ecg = nk.ecg_simulate(duration=seconds, sampling_rate=fs, heart_rate=66, random_state=5)
    ecg[60 * fs : 90 * fs] = np.random.default_rng(9).normal(0.0, 1.0, 30 * fs)
    return (f"# sampling_rate={fs}\necg\n" + "\n".join(f"{v:.4f}" for v in ecg)).encode()


def test_the_recording_page_flags_poor_ecg_signal(
    signed_in_page, practitioner, client_record, live_server
) -> None:
    recording = Recording(client=client_record, original_filename="ecg.csv")
    services.process_bytes(
        recording, _ecg_with_a_noisy_stretch(), format_name=None, sampling_rate_hz=None
    )
    recording.save()
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/physio/recordings/{recording.pk}/")
    flag = page.locator(f"#physio-quality-{recording.pk}")
    expect(flag).to_be_visible()
    # The windows 60-90 s, and up to two more while the second detector settles (see
    # somatrace/physio/tests/test_honest_views.py).
    expect(flag).to_contain_text(re.compile(r"Poor ECG signal in [345] of 24 ten-second windows"))
    expect(flag).to_contain_text(re.compile(r"minute 1\.0–1\.[5-8]"))
    expect(page.locator(f"#physio-method-{recording.pk}")).to_contain_text("Somatrace (Welch 300 s")
    expect(page.locator(".vega-chart[data-rendered='true']")).to_have_count(1)
    assert serious_violations(page) == []


def _boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_event_labels_on_the_chart_do_not_pile_up(
    signed_in_page, practitioner, session, live_server
) -> None:
    session.started_at = session.starts_at
    session.save(update_fields=["started_at"])
    # Eight cues within 16 seconds at minute 10, one more at minute 20.
    for k in range(8):
        make_event(session, "cue", code="stillpoint", seconds=600 + 2 * k)
    make_event(session, "cue", code="muscle-release", seconds=1200)
    recording = Recording(client=session.client, session=session, original_filename="rr.txt")
    recording.started_at = session.starts_at - timedelta(minutes=5)
    services.process_bytes(
        recording, rr_file(settling_rr(300, 1800, 300)), format_name=None, sampling_rate_hz=None
    )
    recording.save()
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 390, "height": 900})  # a phone: the narrowest chart
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    chart = page.locator("#physio .vega-chart[data-rendered='true']").first
    expect(chart).to_be_visible()
    labels = chart.locator("g.mark-text.role-mark text")
    expect(labels).to_have_count(2)  # one for the cluster, one for minute 20
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert not _boxes_overlap(boxes[0], boxes[1])
    # every event keeps its line, and all nine are in the table of events
    expect(chart.locator("g.mark-rule.role-mark line")).to_have_count(9)
    table = page.locator("#physio figure").first.locator("details")
    table.locator("summary").click()
    expect(table.locator("tbody tr")).to_have_count(9)
    assert serious_violations(page) == []


def test_a_png_uploaded_as_a_recording_is_named_an_image(
    signed_in_page, practitioner, session, live_server, tmp_path
) -> None:
    path = tmp_path / "strap.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/physio/sessions/{session.pk}/recordings/new/")
    page.get_by_label("Recording file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.get_by_text("this is a PNG image, not a heart recording")).to_be_visible()
    expect(page.get_by_text("the file is empty")).to_have_count(0)
    assert not Recording.objects.exists()
