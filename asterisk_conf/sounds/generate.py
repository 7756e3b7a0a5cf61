"""Regenerate the PLACEHOLDER prompts from ivr/prompts.py with espeak-ng and sox.

These files are robot voices so that the IVR can be tried end to end. They are not fit
for callers in distress: replace every file with a studio recording of the same text
(8 kHz mono, same name, any format Asterisk plays: .wav, .gsm, .ulaw…) before going live.

espeak-ng speaks Thai (without Thai word segmentation: the texts put spaces between
words), English and Burmese. It has no Khmer or Lao voice, so those folders stay empty
and the IVR plays the Thai prompt instead until recordings exist.

Usage (from the repository root; needs `apt-get install espeak-ng sox`):
    .venv/bin/python asterisk_conf/sounds/generate.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from callcenter.taxonomy import Language  # noqa: E402
from ivr.prompts import TEXTS  # noqa: E402

# espeak-ng voice per language; None: espeak-ng has no voice for it.
VOICES: dict[Language, str | None] = {
    Language.THAI: "th",
    Language.ENGLISH: "en-gb",
    Language.BURMESE: "my",
    Language.KHMER: None,
    Language.LAO: None,
}


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is missing: apt-get install -y espeak-ng sox")
    return path


def speak(text: str, voice: str, target: Path) -> bool:
    """Synthesize ``text`` into ``target``; False when espeak-ng cannot say it."""
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        # espeak-ng overflows a buffer on long runs of Burmese script: speak each
        # phrase (the texts separate phrases with spaces) on its own, then join them.
        for index, phrase in enumerate(phrases(text, voice)):
            part = Path(tmp) / f"{index:03}.wav"
            done = subprocess.run(
                [tool("espeak-ng"), "-v", voice, "-s", "150", "-w", str(part), phrase],
                check=False, capture_output=True,
            )
            if done.returncode != 0:
                return False
            parts.append(str(part))
        # GSM at 8 kHz mono: about 1.6 kB per second; Asterisk plays it natively.
        # -R (repeatable dither): regenerating unchanged texts gives identical files.
        subprocess.run(
            [tool("sox"), "-R", *parts, "-r", "8000", "-c", "1", str(target), "norm", "-3"],
            check=True, capture_output=True,
        )
    return True


def phrases(text: str, voice: str) -> list[str]:
    if voice != "my":
        return [text]
    return [p for p in text.split() if p]


def quiet_hold_music(target: Path) -> None:
    """A soft two-note tone every few seconds for the `quiet` class (urgent queue)."""
    subprocess.run(
        [tool("sox"), "-R", "-n", "-r", "8000", "-c", "1", str(target),
         "synth", "0.6", "sine", "392", "sine", "523", "vol", "0.08", "pad", "0", "4.4",
         "repeat", "5"],
        check=True,
    )


def main() -> int:
    tool("espeak-ng"), tool("sox")
    for language, voice in VOICES.items():
        folder = HERE / language.value
        folder.mkdir(exist_ok=True)
        if voice is None:
            continue
        for prompt, texts in TEXTS.items():
            text = texts.get(language)
            target = folder / f"{prompt.value}.gsm"
            if text and not speak(text, voice, target):
                target.unlink(missing_ok=True)
                print(f"espeak-ng failed on {language.value}/{prompt.value}: left out "
                      "(the IVR plays the Thai prompt)", file=sys.stderr)
    moh = HERE / "moh-quiet"
    moh.mkdir(exist_ok=True)
    quiet_hold_music(moh / "quiet.gsm")
    print("placeholder prompts written under", HERE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
