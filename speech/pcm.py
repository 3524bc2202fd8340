"""The one PCM format all audio is joined in, and the ways into it (espeak's WAV, an MP3).

Every engine's output is brought to 16-bit mono at SAMPLE_RATE before anything
else happens, so sentences from any engine can be concatenated and timed by
counting samples, and the article is encoded once (separately encoded MP3s
joined end to end gain ~65 ms of padding each).
"""

from __future__ import annotations

import struct

import miniaudio

# espeak-ng's native rate: its output needs no resampling; Google's 24 kHz MP3 is
# resampled on decode, which costs nothing audible for speech.
SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2  # bytes: signed 16-bit little-endian, mono


class AudioFormatError(ValueError):
    """Bytes that were supposed to be audio of a known kind are not."""


def seconds(pcm: bytes | bytearray) -> float:
    return len(pcm) / (SAMPLE_WIDTH * SAMPLE_RATE)


def silence(duration: float) -> bytes:
    return bytes(int(duration * SAMPLE_RATE) * SAMPLE_WIDTH)


def wav_to_pcm(data: bytes) -> bytes:
    """The samples of a RIFF/WAVE file, at SAMPLE_RATE mono 16-bit.

    espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes are
    placeholders (0x7ffff000-ish): the data chunk is taken to run to the end of
    the bytes actually received, whatever its header says.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError("không phải tệp WAV")
    offset, fmt = 12, None
    while offset + 8 <= len(data):
        chunk_id, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if chunk_id == b"fmt ":
            fmt = struct.unpack_from("<HHI", data, body)  # encoding, channels, rate
        elif chunk_id == b"data":
            if fmt is None:
                raise AudioFormatError("WAV thiếu phần định dạng (fmt)")
            samples = data[body:]
            encoding, channels, rate = fmt
            if encoding != 1:
                raise AudioFormatError(f"WAV mã hóa {encoding}, cần PCM")
            samples = samples[: len(samples) - len(samples) % (2 * channels)]
            if (channels, rate) == (1, SAMPLE_RATE):
                return samples
            return _convert(samples, channels, rate)
        offset = body + size + (size & 1)
    raise AudioFormatError("WAV không có dữ liệu âm thanh")


def mp3_to_pcm(data: bytes) -> bytes:
    """Decode an MP3 (any rate, mono or stereo) to SAMPLE_RATE mono 16-bit."""
    try:
        decoded = miniaudio.decode(bytes(data), miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=SAMPLE_RATE)
    except miniaudio.DecodeError as exc:
        raise AudioFormatError(f"không giải mã được MP3: {exc}") from None
    if decoded.num_frames == 0:
        raise AudioFormatError("MP3 không có âm thanh")
    return decoded.samples.tobytes()


def _convert(samples: bytes, channels: int, rate: int) -> bytes:
    converted = miniaudio.convert_frames(
        miniaudio.SampleFormat.SIGNED16, channels, rate, samples, miniaudio.SampleFormat.SIGNED16, 1, SAMPLE_RATE
    )
    return bytes(converted)
