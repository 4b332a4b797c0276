"""download(): against a web server on 127.0.0.1 in a thread, never the internet."""
import functools
import hashlib
import http.server
import io
import os
import socket
import tarfile
import threading

import pytest

from minigrad.datasets import DatasetError, DownloadError, download, read_mr, readers

CONTENT = b"label sentence\n1 a fine film\n"
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def server(tmp_path):
    """Serve ``tmp_path/www`` over http://127.0.0.1:<port>/; ``server.requests`` counts the requests."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "data.txt").write_bytes(CONTENT)
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):  # keep the test output quiet
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.www, httpd.requests = www, requests
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_downloads_checks_and_caches(server, tmp_path):
    cache = tmp_path / "cache"
    path = download(f"{server.url}/data.txt", cache, SHA)
    assert open(path, "rb").read() == CONTENT
    assert os.listdir(cache) == ["data.txt"], "no temporary file may be left behind"
    again = download(f"{server.url}/data.txt", cache, SHA)
    assert again == path and len(server.requests) == 1, "a cached file with the right hash is reused"


def test_filename_argument(server, tmp_path):
    path = download(f"{server.url}/data.txt", tmp_path / "c", SHA, filename="renamed.txt")
    assert os.path.basename(path) == "renamed.txt"


def test_wrong_checksum_deletes_and_names_both_hashes(server, tmp_path):
    wrong = "0" * 64
    with pytest.raises(DownloadError, match=f"has SHA-256 {SHA}, but {wrong} was expected"):
        download(f"{server.url}/data.txt", tmp_path / "cache", wrong)
    assert os.listdir(tmp_path / "cache") == []


def test_damaged_cache_is_fetched_again(server, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "data.txt").write_bytes(b"truncated")
    path = download(f"{server.url}/data.txt", cache, SHA)
    assert open(path, "rb").read() == CONTENT and len(server.requests) == 1


def test_offline_message_says_what_to_do(tmp_path):
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    target = os.path.abspath(tmp_path / "cache" / "data.txt")
    with pytest.raises(DownloadError, match="download the file by hand") as err:
        download(f"http://127.0.0.1:{port}/data.txt", tmp_path / "cache", SHA, timeout=5)
    assert target in str(err.value) and SHA in str(err.value)
    assert os.listdir(tmp_path / "cache") == []


def test_http_error(server, tmp_path):
    with pytest.raises(DownloadError, match="404"):
        download(f"{server.url}/missing.txt", tmp_path, SHA)


@pytest.mark.parametrize("url, sha, message", [
    ("http://example.com/data.txt", SHA, "only https://"),
    ("ftp://127.0.0.1/data.txt", SHA, "only https://"),
    ("https://example.com/data.txt", "abc", "64-hex-digit"),
    ("https://example.com/data.txt", None, "64-hex-digit"),
])
def test_refused_before_any_network(tmp_path, url, sha, message):
    with pytest.raises(DownloadError, match=message):
        download(url, tmp_path, sha)


def _mr_archive():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in [("rt-polaritydata/rt-polarity.pos", b"good\n"), ("rt-polaritydata/rt-polarity.neg",
                           b"bad\nworse\n"), ("rt-polaritydata.README.1.0.txt", b"readme")]:
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
    return buffer.getvalue()


def test_read_mr_download(server, tmp_path, monkeypatch):
    archive = _mr_archive()
    (server.www / "rt-polaritydata.tar.gz").write_bytes(archive)
    monkeypatch.setattr(readers, "MR_URL", f"{server.url}/rt-polaritydata.tar.gz")
    folder = tmp_path / "mr"
    with pytest.raises(DatasetError, match="needs the archive's SHA-256"):
        read_mr(folder, download=True)
    ds = read_mr(folder, download=True, sha256=hashlib.sha256(archive).hexdigest())
    assert ds.texts == ["bad", "worse", "good"] and ds.labels == [0, 0, 1]
    assert sorted(os.listdir(folder)) == ["rt-polarity.neg", "rt-polarity.pos", "rt-polaritydata.tar.gz"]
