"""The importer framework: read records from a file or URL, report every rejected record by line.

An importer is a function that receives ``(line_number, record)`` pairs from one of the readers here,
validates each record, and returns an :class:`ImportReport`. Readers never stop at a bad record unless
the file cannot be read past it (a truncated JSON array); everything before is still delivered.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class RecordError(ValueError):
    """A record that cannot be imported; the message says why."""


@dataclass
class Rejection:
    line: int
    reason: str

    def __str__(self) -> str:
        return at_line(self.line, self.reason)


@dataclass
class ImportReport:
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    already_present: int = 0
    skipped: int = 0
    county_level: int = 0  # of those created, how many could be placed only in their county (police events)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stored: bool = True  # False when an all-or-nothing import refused the file because of a rejected record

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejection(line, reason))

    def summary(self) -> str:
        """One line for people, in the active language (Swedish in commands and pages)."""
        created = _("created %(n)s") % {"n": self.created}
        if self.county_level:
            created += " " + _("(county level only %(n)s)") % {"n": self.county_level}
        parts = [
            _("%(source)s: read %(n)s") % {"source": self.source, "n": self.read},
            created,
            _("already present %(n)s") % {"n": self.already_present},
        ]
        if self.updated:
            parts.append(_("updated %(n)s") % {"n": self.updated})
        if self.skipped:
            parts.append(_("skipped (filtered out) %(n)s") % {"n": self.skipped})
        parts.append(_("rejected %(n)s") % {"n": len(self.rejected)})
        text = ", ".join(parts)
        if self.read and not self.created and not self.updated and self.already_present and self.ok:
            text += _(" — nothing new: every record was already imported")
        return text


MAX_REJECTIONS_SHOWN = 50


def report_rejections(command, report: ImportReport) -> None:
    """For import commands: print the rejected records (the first 50) and exit with status 1 if any."""
    for rejection in report.rejected[:MAX_REJECTIONS_SHOWN]:
        command.stderr.write(_("rejected %(rejection)s") % {"rejection": rejection})
    if len(report.rejected) > MAX_REJECTIONS_SHOWN:
        command.stderr.write(_("… and %(n)s more rejected") % {"n": len(report.rejected) - MAX_REJECTIONS_SHOWN})
    if report.rejected:
        kept = _("the others were imported") if report.stored else _("nothing was stored: the data are as before")
        raise CommandError(
            _("%(n)s rejected; %(kept)s") % {"n": len(report.rejected), "kept": kept},
            returncode=1,
        )


class ReadError(RecordError):
    """A problem in the file itself at a given line (for example truncated JSON)."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def open_binary(path: str | Path) -> BinaryIO:
    """Open a file for reading, transparently un-gzipping ``.gz`` files (or gzip magic bytes)."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


FETCH_MAX_BYTES = 50_000_000  # the police events feed is a few hundred kB
FETCH_DEADLINE = 120.0  # seconds for the whole download


def fetch_url(url: str, timeout: float = 30.0) -> bytes:
    """Fetch a URL IT or an operator gave (HTTP(S) only), through ``trygg.core.outbound``: no address policy (the
    address is the installation's own), but one deadline for the whole download, at most FETCH_MAX_BYTES (also
    after un-gzipping), redirects followed only within https."""
    from trygg.core import outbound

    if not url.startswith(("https://", "http://")):
        raise RecordError(_("only http(s) URLs can be fetched, not %(url)r") % {"url": url})
    headers = {"User-Agent": "Trygg/0.1 (+https://github.com/)"}
    try:
        answer = outbound.request("GET", url, policy=outbound.UNGUARDED, headers=headers, max_bytes=FETCH_MAX_BYTES,
                                  deadline=FETCH_DEADLINE, connect_timeout=timeout)  # fmt: skip
    except outbound.OutboundError as exc:
        raise RecordError(f"{url}: {exc}") from None
    if not 200 <= answer.status < 300:
        raise RecordError(_("%(url)s: HTTP %(status)s") % {"url": url, "status": answer.status})
    data = answer.body
    if data[:2] == b"\x1f\x8b":
        unpacker = zlib.decompressobj(wbits=47)  # gzip
        try:
            data = unpacker.decompress(data, FETCH_MAX_BYTES + 1)
        except zlib.error as exc:
            raise RecordError(_("%(url)s: the gzip data is damaged (%(error)s)") % {"url": url, "error": exc}) from None
        if len(data) > FETCH_MAX_BYTES:
            raise RecordError(
                _("%(url)s: the answer is larger than %(n)s bytes unpacked") % {"url": url, "n": FETCH_MAX_BYTES}
            )
    return data


def iter_json_records(stream: BinaryIO | bytes, known: Callable[[str], Any] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` from a JSON array or from JSON lines.

    A malformed JSON line yields ``(line, ReadError)`` and reading continues. A JSON array that breaks
    off yields what came before and then a ``ReadError`` with the line where it broke. ``known`` (JSON lines only)
    sees each line's text before it is parsed; where it returns something other than None, that is yielded instead
    and the line is not parsed — so that an importer passes over the records it already holds without reading them.
    """
    try:
        data = read_all(stream)
    except ReadError as exc:
        yield exc.line, exc
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield line, ReadError(line, _("not UTF-8 text (%(reason)s)") % {"reason": exc.reason})
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _iter_json_array(text)
    else:
        yield from _iter_json_lines(text, known)


def _json_line(line: str) -> Any:
    """``json.loads(line)``, read by orjson (about twice as quick); what orjson refuses goes to json.loads, so that
    the values the standard library accepts (NaN, integers beyond 64 bits) are read as before and every error is
    its own, worded as before."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _iter_json_lines(text: str, known: Callable[[str], Any] | None) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if known is not None and (marker := known(line)) is not None:
            yield number, marker
            continue
        if not line.strip():
            continue
        try:
            value = _json_line(line)
            yield number, refuse_nul(value, number) if NUL_ESCAPE in line else value
        except json.JSONDecodeError as exc:
            yield (
                number,
                ReadError(
                    number,
                    _("malformed JSON (%(error)s at column %(column)s)") % {"error": exc.msg, "column": exc.colno},
                ),
            )
        except ReadError as exc:
            yield number, exc


def _iter_json_array(text: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    n = len(text)
    expect_value, first = True, True
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        line = text.count("\n", 0, pos) + 1
        if pos >= n:
            yield line, ReadError(line, _("the JSON array is truncated (no closing ']')"))
            return
        char = text[pos]
        if char == "]" and (not expect_value or first):
            trailing = text[pos + 1 :].strip()
            if trailing:
                yield line, ReadError(line, _("unexpected text after the JSON array"))
            return
        if char == "," and not expect_value:
            pos += 1
            expect_value = True
            continue
        if not expect_value:
            yield line, ReadError(line, _("expected ',' or ']' in the JSON array, found %(char)r") % {"char": char})
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            truncated = not text.rstrip().endswith("]")
            reason = (
                _("the JSON array is truncated (%(error)s)") if truncated else _("malformed JSON (%(error)s)")
            ) % {"error": exc.msg}
            yield exc.lineno, ReadError(exc.lineno, reason)
            return
        try:
            yield line, refuse_nul(value, line) if text.find(NUL_ESCAPE, pos, end) != -1 else value
        except ReadError as exc:
            yield line, exc
        pos = end
        expect_value, first = False, False


# The only way a decoded JSON value can hold a NUL character: JSON text cannot hold a raw one (not even in a string),
# so a record whose text lacks this escape has none and need not be searched.
NUL_ESCAPE = "\\u0000"
NUL_REASON = gettext_lazy(
    "the record contains a NUL character (\\u0000), which no text field can store — a damaged file?"
)


def refuse_nul(value: Any, line: int) -> Any:
    """``value`` unchanged, or ReadError when a string in it (key or value, at any depth) holds a NUL character:
    PostgreSQL's text and JSON types cannot store one, so such a record would fail the whole import at the
    database instead of being rejected with its line."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ReadError(line, str(NUL_REASON))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return value


MAX_FIELD_CHARS = 131_072  # as csv's default limit, enforced whatever another library set it to


def decode_text(data: bytes) -> str:
    """The text of a file: UTF-8 (with or without BOM), else Windows-1252 — what Swedish Excel saves as "CSV".

    Raises ReadError naming the line when it is neither.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = _("the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'")
        raise ReadError(line, at_line(line, reason)) from exc


def iter_csv_records(stream: BinaryIO, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` from a CSV with a header row (comma, semicolon or tab separated; UTF-8 or
    Windows-1252). A file whose structure breaks (a field over 128 KiB, a NUL character, an unclosed quote at the
    end) raises ReadError with the line, after the rows before it."""
    text = io.StringIO(decode_text(read_all(stream)), newline="")
    sample = text.read(4096)
    text.seek(0)
    yield from csv_rows(text, sample, required)


def csv_rows(lines: Iterable[str], sample: str, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of CSV text given as lines, the dialect sniffed from ``sample`` (its start); the checks of
    :func:`iter_csv_records`. Shared by the importers that read a whole file and the one that streams it."""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(lines, dialect=dialect)
    try:
        fieldnames = reader.fieldnames or []
        missing = [c for c in required if c not in fieldnames]
        if missing:
            raise ReadError(
                1,
                _("missing column(s): %(missing)s; found: %(found)s")
                % {"missing": ", ".join(missing), "found": ", ".join(fieldnames)},
            )
        for row in reader:
            if any(len(v) > MAX_FIELD_CHARS for v in row.values() if isinstance(v, str)):
                raise ReadError(reader.line_num, _too_long(reader.line_num, MAX_FIELD_CHARS))
            refuse_nul(list(row.values()), reader.line_num)
            yield reader.line_num, row
    except csv.Error as exc:
        line = reader.line_num + 1  # the record that could not be read starts after the lines read
        if "field larger than field limit" in str(exc):
            reason = _too_long(line, min(csv.field_size_limit(), MAX_FIELD_CHARS))
        else:
            reason = _("line %(line)s: the CSV cannot be read (%(error)s)") % {"line": line, "error": exc}
        raise ReadError(line, reason) from exc
    except (EOFError, OSError, zlib.error) as exc:  # a truncated or damaged gzip file read as it streams
        raise ReadError(reader.line_num + 1, damaged_compression(exc)) from exc


def _too_long(line: int, limit: int) -> str:
    return _("line %(line)s: a field is longer than %(n)s characters") % {"line": line, "n": limit}


def at_line(line: int, reason: str) -> str:
    """``reason`` said of a line of the file ("rad 3: …")."""
    return _("line %(line)s: %(reason)s") % {"line": line, "reason": reason}


def not_a_date(column: str, value: str) -> str:
    return _("%(column)r is not a date (YYYY-MM-DD): %(value)r") % {"column": column, "value": value}


def damaged_compression(exc: BaseException) -> str:
    return _("the compressed file is truncated or damaged (%(error)s)") % {"error": exc}


def read_all(stream: BinaryIO | bytes) -> bytes:
    """All bytes of a stream; a gzip file that is truncated or damaged is a ReadError, not a traceback."""
    if isinstance(stream, bytes):
        return stream
    try:
        return stream.read()
    except (EOFError, OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise ReadError(1, damaged_compression(exc)) from exc
