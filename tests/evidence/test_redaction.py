"""Redaction: a request, a review by another custodian, then a derivative made with ffmpeg
that points at its untouched original and has its own hash and custody chain."""

import hashlib
import json
import shutil
import subprocess

import pytest

from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import redaction
from openprecinct.evidence.models import RedactionRequest
from openprecinct.evidence.services import evidence_verify
from openprecinct.evidence.storage import evidence_storage

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


@pytest.fixture
def video(tmp_path):
    """Three seconds of test pattern (160x120) with a 440 Hz tone, made by ffmpeg itself."""
    path = tmp_path / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10:duration=3",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=3",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


def _probe_volume(path, start, end):
    out = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-ss",
            str(start),
            "-t",
            str(end - start),
            "-i",
            str(path),
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    line = next(x for x in out.splitlines() if "max_volume" in x)
    return float(line.split("max_volume:")[1].split("dB")[0])


def _frame(path, at):
    """One 160x120 frame at ``at`` seconds as grey bytes."""
    return subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-ss",
            str(at),
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout


def _difference(a, b, *, inside):
    """Mean absolute difference of two frames inside or outside the blurred box."""
    total = count = 0
    for y in range(120):
        for x in range(160):
            if (40 <= x < 104 and 30 <= y < 78) == inside:
                total += abs(a[y * 160 + x] - b[y * 160 + x])
                count += 1
    return total / count


def test_an_approved_redaction_makes_a_derivative_and_leaves_the_original(
    upload, personas, video, tmp_path
):
    original = upload(video, name="clip.mp4")
    requested = redaction.redaction_request(
        actor=personas["patrol_officer"],
        item=original,
        reason="bystander's face; a name spoken",
        blur_regions=[{"x": 40, "y": 30, "w": 64, "h": 48, "start": 0.5, "end": 2.0}],
        mute_ranges=[{"start": 1.0, "end": 2.0}],
    )
    with pytest.raises(ApplicationError, match="other than the requester"):
        redaction.redaction_review(
            actor=personas["patrol_officer"], redaction=requested, approve=True
        )
    redaction.redaction_review(actor=personas["records_clerk"], redaction=requested, approve=True)
    requested.refresh_from_db()
    assert requested.status == RedactionRequest.Status.DONE
    derivative = requested.derivative
    assert derivative.derived_from == original
    with evidence_storage().open(original.storage_key) as f:
        assert hashlib.sha256(f.read()).hexdigest() == original.sha256  # untouched
    with evidence_storage().open(derivative.storage_key) as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == derivative.sha256 != original.sha256
    out = tmp_path / "derivative.mp4"
    out.write_bytes(data)
    source = tmp_path / "original.mp4"
    source.write_bytes(video)
    during, after = (_frame(source, 1.0), _frame(out, 1.0)), (_frame(source, 2.5), _frame(out, 2.5))
    assert _difference(*during, inside=True) > 10  # blurred in the box while the range runs
    assert _difference(*during, inside=False) < 5  # and nowhere else
    assert _difference(*after, inside=True) < 5  # not after it ends
    assert _probe_volume(out, 1.2, 1.8) < -80  # muted
    assert _probe_volume(out, 2.2, 2.8) > -30  # sound again afterwards
    assert [e.action for e in derivative.custody.all()] == ["redact"]
    assert derivative.custody.get().details["derived_from"] == str(original.uuid)
    assert [e.action for e in original.custody.all()][-3:] == [
        "redact_request",
        "redact_review",
        "redact",
    ]
    assert evidence_verify().ok


def test_the_ffmpeg_command_blurs_only_within_the_time_range(tmp_path):
    args = redaction.ffmpeg_arguments(
        source=tmp_path / "in.mp4",
        target=tmp_path / "out.mp4",
        content_type="video/mp4",
        regions=[{"x": 1, "y": 2, "w": 30, "h": 40, "start": 0.5, "end": 2.0}],
        ranges=[],
    )
    graph = args[args.index("-filter_complex") + 1]
    assert "crop=30:40:1:2,boxblur" in graph
    assert "enable='between(t,0.5,2.0)'" in graph
    assert "-shell" not in json.dumps(args)


def test_a_rejected_redaction_makes_nothing(upload, personas, video):
    original = upload(video, name="clip.mp4")
    requested = redaction.redaction_request(
        actor=personas["patrol_officer"],
        item=original,
        reason="x",
        blur_regions=[],
        mute_ranges=[{"start": 0, "end": 1}],
    )
    redaction.redaction_review(
        actor=personas["commanding_officer"], redaction=requested, approve=False, note="not needed"
    )
    requested.refresh_from_db()
    assert requested.status == "rejected" and requested.derivative is None


@pytest.mark.parametrize(
    ("regions", "ranges", "message"),
    [
        ([], [], "at least one"),
        ([{"x": 0, "y": 0, "w": 2, "h": 40, "start": 0, "end": 1}], [], "w must be"),
        ([], [{"start": 2, "end": 1}], "end after it starts"),
        ([{"x": "0;rm", "y": 0, "w": 20, "h": 20, "start": 0, "end": 1}], [], "x must be"),
    ],
)
def test_bad_redaction_requests_are_refused(upload, personas, regions, ranges, message):
    item = upload()
    with pytest.raises(ApplicationError, match=message):
        redaction.redaction_request(
            actor=personas["patrol_officer"],
            item=item,
            reason="x",
            blur_regions=regions,
            mute_ranges=ranges,
        )
