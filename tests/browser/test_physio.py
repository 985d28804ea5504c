"""Heart recordings in a real browser: upload to a session and see the charts with events
marked; connect a simulated Bluetooth strap and see live values saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

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
    assert [round(v, 1) for v in recording.rr_array()] == [820.3, 799.8, 839.8, 830.1, 849.6]


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
    assert Recording.objects.get(session=session, kind="live").rr_array().size == 5
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
