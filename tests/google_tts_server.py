"""A local HTTP server speaking Google Translate's TTS protocol (the one stand-in the rules allow).

It reads gTTS's batchexecute request (`f.req=` holding the `jQ1olc` RPC and its
[text, lang, speed, "null"] parameter) and answers like Google: a `)]}'`-guarded
response whose `wrb.fr` line carries the MP3, base64. The MP3 is real speech of
the requested text (espeak-ng, resampled to Google's 24 kHz, encoded by lameenc),
so its length follows the text. Modes make it fail in the ways Google can.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import lameenc
import miniaudio

from speech.pcm import wav_to_pcm

GOOGLE_RATE = 24000

def google_mp3(text: str) -> bytes:
    """Speech of `text` as Google sends it: 24 kHz mono MP3 at 32 kbit/s."""
    wav = subprocess.run(["espeak-ng", "-v", "vi", "--stdin", "--stdout"], input=text.encode(), capture_output=True, check=True).stdout
    pcm = wav_to_pcm(wav)
    fmt = miniaudio.SampleFormat.SIGNED16
    resampled = bytes(miniaudio.convert_frames(fmt, 1, 22050, pcm, fmt, 1, GOOGLE_RATE))
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(GOOGLE_RATE)
    encoder.set_channels(1)
    return bytes(encoder.encode(resampled) + encoder.flush())


def batchexecute_response(payload: str) -> bytes:
    line = json.dumps([["wrb.fr", "jQ1olc", json.dumps([payload]), None, None, None, "generic"]], separators=(",", ":"))
    tail = '[["di",42],["af.httprm",41,"-5398574920113582201",2]]'
    body = f")]}}'\n\n{len(line) + 2}\n{line}\n25\n{tail}\n"
    return body.encode("utf-8")


class FakeGoogleTTS:
    """Start with `with FakeGoogleTTS() as server:`; point GttsEngine at `server.url`.

    `mode`: "ok"; "slow" (answers after `delay` seconds); "error" (HTTP 503);
    "garbage" (HTTP 200, an HTML page); "not_mp3" (the protocol, but the audio is
    not an MP3); "fail_on" (HTTP 503 for texts containing `fail_on`, audio otherwise).
    """

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.mode = "ok"
        self.delay = 5.0  # seconds, for "slow"
        self.fail_on = ""  # for "fail_on": texts containing this get HTTP 503
        self.texts: list[str] = []  # every text asked for, in order
        self.langs: set[str] = set()
        self.connections: set[tuple[str, int]] = set()  # client (host, port): one per kept-alive connection
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls_context is not None:
            self._server.socket = tls_context.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls_context else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}/_/TranslateWebserverUi/data/batchexecute"

    def __enter__(self) -> "FakeGoogleTTS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, body: str, client: tuple[str, int]) -> tuple[int, bytes]:
        form = urllib.parse.parse_qs(body)
        rpc = json.loads(form["f.req"][0])
        rpc_id, parameter, _, _ = rpc[0][0]
        text, lang, _speed, _ = json.loads(parameter)
        with self._lock:
            self.texts.append(text)
            self.langs.add(lang)
            self.connections.add(client)
        if rpc_id != "jQ1olc":
            return 400, b"unknown rpc"
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error" or (self.mode == "fail_on" and self.fail_on in text):
            return 503, b"<html>Service Unavailable</html>"
        if self.mode == "garbage":
            return 200, b"<!doctype html><title>Sorry...</title><p>unusual traffic from your computer network"
        if self.mode == "not_mp3":
            return 200, batchexecute_response(base64.b64encode(b"\x00" * 4000).decode())
        return 200, batchexecute_response(base64.b64encode(google_mp3(text)).decode())

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Google's front end

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                try:
                    status, payload = server._answer(body, self.client_address)
                except (KeyError, ValueError, IndexError):
                    status, payload = 400, b"bad request"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError, socket.timeout):
                    pass  # the client gave up (its deadline passed): that is the point of "slow"

            def log_message(self, *args) -> None:
                pass

        return Handler
