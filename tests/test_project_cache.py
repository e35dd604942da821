"""The summary cache: hits, misses, and every way an entry or its folder can be broken (a miss,
never an exception), and several processes writing the same entries at once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from celery_lint.project.cache import CACHE_DIR_NAME, FORMAT_DIR, Cache, default_cache_dir

VALUE = {"module": "proj.tasks", "tasks": [{"name": "proj.tasks.add", "params": ["x", "y"]}]}


def entry_path(cache: Cache, key: str) -> str:
    return os.path.join(cache.directory, FORMAT_DIR, key[:2], key + ".json")


@pytest.fixture
def cache(tmp_path):
    return Cache(default_cache_dir(str(tmp_path)), salt="0.1.0|settings")


def test_default_cache_dir_is_in_the_root(tmp_path):
    assert default_cache_dir(str(tmp_path)) == os.path.join(str(tmp_path), ".celery_lint_cache")
    assert CACHE_DIR_NAME == ".celery_lint_cache"


def test_put_then_get_is_a_hit(cache):
    key = cache.key(b"print(1)\n", "proj/tasks.py")
    assert cache.get(key) is None
    cache.put(key, VALUE)
    assert cache.get(key) == VALUE
    assert os.path.isfile(entry_path(cache, key))


def test_key_depends_on_content_path_and_salt(tmp_path, cache):
    key = cache.key(b"x = 1\n", "a.py")
    assert key == cache.key(b"x = 1\n", "a.py")
    assert len({key, cache.key(b"x = 2\n", "a.py"), cache.key(b"x = 1\n", "b.py"),
                Cache(cache.directory, "other").key(b"x = 1\n", "a.py")}) == 4
    # The parts are length-prefixed: moving bytes from the path into the content changes the key.
    assert cache.key(b"b", "a") != cache.key(b"", "ab")


def test_a_different_salt_misses(cache):
    key = cache.key(b"x = 1\n", "a.py")
    cache.put(key, VALUE)
    other = Cache(cache.directory, salt="0.2.0|settings")
    assert other.get(other.key(b"x = 1\n", "a.py")) is None


def test_first_write_marks_the_folder(cache):
    cache.put(cache.key(b"", "a.py"), VALUE)
    with open(os.path.join(cache.directory, ".gitignore"), encoding="ascii") as stream:
        assert [line for line in stream.read().splitlines() if not line.startswith("#")] == ["*"]
    with open(os.path.join(cache.directory, "CACHEDIR.TAG"), encoding="ascii") as stream:
        assert stream.readline() == "Signature: 8a477f597d28d172789f06886806bc55\n"
    leftovers = [name for _, _, names in os.walk(cache.directory) for name in names if name.startswith(".tmp-")]
    assert leftovers == []


def test_a_folder_of_the_user_is_not_marked(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    cache = Cache(str(tmp_path), salt="s")
    key = cache.key(b"", "a.py")
    cache.put(key, VALUE)
    assert cache.get(key) == VALUE
    assert not (tmp_path / ".gitignore").exists()
    assert not (tmp_path / "CACHEDIR.TAG").exists()


def test_an_existing_gitignore_is_kept(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / ".gitignore").write_text("mine\n")
    Cache(str(directory), salt="s").put("ab" * 20, VALUE)
    assert (directory / ".gitignore").read_text() == "mine\n"


@pytest.mark.parametrize("content", [
    pytest.param(lambda key: json.dumps({"key": key, "value": VALUE})[:-7].encode(), id="truncated"),
    pytest.param(lambda key: bytes(range(256)) * 4, id="binary"),
    pytest.param(lambda key: b"", id="empty"),
    pytest.param(lambda key: json.dumps([key, VALUE]).encode(), id="list"),
    pytest.param(lambda key: json.dumps({"key": key, "value": [1, 2]}).encode(), id="value-not-object"),
    pytest.param(lambda key: json.dumps({"key": key}).encode(), id="no-value"),
    pytest.param(lambda key: json.dumps({"key": "0" * 40, "value": VALUE}).encode(), id="foreign-key"),
    pytest.param(lambda key: json.dumps(VALUE).encode(), id="no-key"),
    pytest.param(lambda key: b"[" * 100_000, id="deeply-nested"),
])
def test_a_corrupt_entry_is_a_miss(cache, content):
    key = cache.key(b"x", "a.py")
    cache.put(key, VALUE)
    with open(entry_path(cache, key), "wb") as stream:
        stream.write(content(key))
    assert cache.get(key) is None
    cache.put(key, VALUE)  # and it is repaired by the next write
    assert cache.get(key) == VALUE


def test_an_entry_that_is_a_folder_is_a_miss(cache):
    key = cache.key(b"x", "a.py")
    os.makedirs(entry_path(cache, key))
    assert cache.get(key) is None
    cache.put(key, VALUE)  # cannot replace a folder: nothing happens, nothing raises
    assert cache.get(key) is None


@pytest.mark.parametrize("key", ["", "../../etc/passwd", "AB" * 20, "ab" * 200, None])
def test_a_key_not_made_by_key_is_refused(cache, key):
    cache.put(key, VALUE)
    assert cache.get(key) is None
    assert not os.path.exists(cache.directory)


def test_a_value_json_cannot_hold_is_not_stored(cache):
    key = cache.key(b"x", "a.py")
    cache.put(key, {"set": {1, 2}})
    cache.put(key, {"nan": float("nan")})
    assert cache.get(key) is None


def test_no_directory_means_no_cache():
    cache = Cache(None, salt="s")
    key = cache.key(b"x", "a.py")
    cache.put(key, VALUE)
    assert cache.get(key) is None


def test_a_cache_path_that_is_a_file(tmp_path):
    path = tmp_path / "cache"
    path.write_text("not a folder\n")
    cache = Cache(str(path), salt="s")
    key = cache.key(b"x", "a.py")
    cache.put(key, VALUE)
    assert cache.get(key) is None
    assert path.read_text() == "not a folder\n"


def test_a_cache_below_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    cache = Cache(str(tmp_path / "file" / "cache"), salt="s")
    key = cache.key(b"x", "a.py")
    cache.put(key, VALUE)
    assert cache.get(key) is None


def skip_unless_modes_bind(tmp_path):
    """Skip when file modes do not stop this process (root with CAP_DAC_OVERRIDE, Windows)."""
    probe = tmp_path / "probe"
    probe.mkdir()
    os.chmod(probe, 0o500)
    try:
        (probe / "file").write_text("")
    except OSError:
        return
    finally:
        os.chmod(probe, 0o700)
    pytest.skip(f"file modes do not bind this process (euid {os.geteuid() if hasattr(os, 'geteuid') else '?'})")


def test_a_read_only_cache_folder(tmp_path):
    skip_unless_modes_bind(tmp_path)
    directory = tmp_path / "cache"
    writable = Cache(str(directory), salt="s")
    old = writable.key(b"old", "a.py")
    writable.put(old, VALUE)
    os.chmod(directory, 0o500)
    os.chmod(directory / FORMAT_DIR, 0o500)
    try:
        cache = Cache(str(directory), salt="s")
        new = cache.key(b"new", "a.py")
        cache.put(new, VALUE)  # the run goes on without cache
        assert cache.get(new) is None
        assert cache.get(old) == VALUE  # what is there is still read
    finally:
        os.chmod(directory / FORMAT_DIR, 0o700)
        os.chmod(directory, 0o700)


def test_an_unreadable_entry_is_a_miss(tmp_path, cache):
    skip_unless_modes_bind(tmp_path)
    key = cache.key(b"x", "a.py")
    cache.put(key, VALUE)
    os.chmod(entry_path(cache, key), 0)
    try:
        assert cache.get(key) is None
    finally:
        os.chmod(entry_path(cache, key), 0o600)


HAMMER = textwrap.dedent("""\
    import sys
    from celery_lint.project.cache import Cache

    directory, writer, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cache = Cache(directory, salt="s")
    keys = [cache.key(str(n).encode(), "a.py") for n in range(3)]
    # Large values, different per writer: a torn write would show as a value of no writer.
    values = [{"writer": w, "data": [w] * 50_000} for w in range(4)]
    bad = 0
    for n in range(rounds):
        key = keys[n % len(keys)]
        cache.put(key, values[writer])
        # Once written, an entry is only ever replaced whole: never missing, never torn.
        if cache.get(key) not in values:
            bad += 1
        got = cache.get(keys[(n + 1) % len(keys)])
        if got is not None and got not in values:
            bad += 1
    print(bad)
""")


def test_several_processes_write_the_same_entries(tmp_path):
    directory = str(tmp_path / "cache")
    processes = [subprocess.Popen([sys.executable, "-c", HAMMER, directory, str(writer), "150"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for writer in range(4)]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [(process.returncode, err) for process, (_, err) in zip(processes, outputs)] == [(0, "")] * 4
    assert [out.strip() for out, _ in outputs] == ["0"] * 4
    cache = Cache(directory, salt="s")
    for n in range(3):
        assert cache.get(cache.key(str(n).encode(), "a.py"))["writer"] in range(4)
    leftovers = [name for _, _, names in os.walk(directory) for name in names if name.startswith(".tmp-")]
    assert leftovers == []
