"""Read a legacy export -- CSV (any encoding Excel writes), XLSX or Parquet -- as
chunks of text cells with the row number a person sees.

Why not just ``pandas.read_csv``: its fast engine can only skip or warn about a
row with the wrong number of fields, so such a row would be lost instead of
going to rejects.csv with its row number, and its line numbers count physical
lines, not the rows Excel shows when a cell holds a line break. Python's
``csv`` module (C-implemented) gives one record per spreadsheet row and keeps
every field, and we build one pandas frame per chunk from it, so memory is
bounded by ``chunk_rows`` whatever the size of the file.

Every cell comes out as ``str`` (never NaN): the importer decides what a value
means, the reader never converts "0012" to 12 or a mobile number to a float.
"""
from __future__ import annotations

import codecs
import csv
import itertools
import math
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 20  # a title line or two above the header is common in MIS reports
FORMULA_SAMPLE_ROWS = 50  # data rows of an xlsx sheet checked for formulas without results
EXACT_FLOAT = 2 ** 53     # every whole number up to this is exact in a float64
EXTRA_FIELDS = "extra_fields"

csv.field_size_limit(10 * 1024 * 1024)


class ExportFileError(Exception):
    """The whole file cannot be imported. ``message`` is written for the person who exported it.

    Never carries cell contents (which may hold an Aadhaar number), only names of columns,
    row numbers and what to do.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Chunk:
    frame: pd.DataFrame          # columns 0..width-1, every cell a str
    rows: np.ndarray             # row number in the file (header row = 1 in a plain export)
    field_counts: np.ndarray     # fields the row really had; != width means a malformed row
    extra: pd.Series | None = None  # fields beyond the header, joined with " | " (CSV only)


@dataclass
class Table:
    """An opened export: headers found, and a generator of chunks of data rows."""

    path: Path
    format: str                  # 'csv' | 'xlsx' | 'parquet' | 'frame'
    headers: list[str]
    header_row: int
    chunks: Iterator[Chunk]
    encoding: str | None = None
    encoding_guessed: bool = False
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    blank_rows: int = 0          # filled in while chunks are read
    total_rows: list[int] = field(default_factory=list)  # row numbers of "Total" lines skipped

    @property
    def width(self) -> int:
        return len(self.headers)


# A header picker gets the first non-blank rows (each a list of cell texts) and returns the
# index of the header row, or raises ExportFileError explaining what is missing.
HeaderPicker = Callable[[list[list[str]]], int]


# --------------------------------------------------------------------------- cells to text

def cell_text(v: object) -> str:
    """One spreadsheet/Parquet cell as the text a person would have typed."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or isinstance(v, np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return ""
        if abs(f) >= 1e15:
            # Excel keeps 15 significant digits: a 16-digit VID or account typed as a number
            # has lost its last digits. Show it the way Excel does, so checks say so.
            return f"{f:.14E}"
        if f.is_integer():
            return str(int(f))
        return repr(f)
    if isinstance(v, pd.Timestamp):
        if pd.isna(v):
            return ""
        v = v.to_pydatetime()
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def xlsx_cell_text(v: object) -> str:
    """As :func:`cell_text`, but every xlsx number is a double that Excel keeps to 15
    significant digits: a 16+ digit number there has lost digits even if it looks whole."""
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**15:
        return cell_text(float(v))
    return cell_text(v)


def frame_to_text(df: pd.DataFrame) -> pd.DataFrame:
    """Any frame -> same shape, positional columns, every cell a str (per distinct value)."""
    out = {}
    for i, (_, s) in enumerate(df.items()):
        if s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) == "string":
            out[i] = s.to_numpy()  # already all str: nothing to convert
            continue
        try:
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
            texts = np.array([cell_text(u) for u in uniques] + [""], dtype=object)
            out[i] = texts[codes]  # code -1 (missing) picks the trailing ""
        except TypeError:  # unhashable cells (lists in Parquet)
            out[i] = np.array([cell_text(v) for v in s], dtype=object)
    return pd.DataFrame(out, index=range(len(df)))


# --------------------------------------------------------------------------- sniffing

_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file (unzip it first)"),
    (b"Rar!", "a RAR archive (extract it first)"),
    (b"7z\xbc\xaf", "a 7-Zip archive (extract it first)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel 97-2003 (.xls) workbook: open it in Excel and use "
                          "Save As > Excel Workbook (.xlsx) or CSV UTF-8"),
]


def sniff_format(path: Path, head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise ExportFileError(f"{path.name} looks like a damaged ZIP/Excel file.") from None
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise ExportFileError(f"{path.name} is a ZIP archive, not a table: extract the CSV or "
                              "Excel file from it and import that.")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ExportFileError(f"{path.name} is {what}, not a table.")
    lowered = head[:2048].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in lowered[:512]:
        raise ExportFileError(
            f"{path.name} is a web page (HTML), not a spreadsheet, even if it is named .xls. "
            "Open it in Excel and use Save As > CSV UTF-8 or Excel Workbook (.xlsx).")
    return "csv"


def detect_encoding(path: Path, head: bytes) -> tuple[str, bool]:
    """(encoding, guessed). Byte-order marks first, then strict UTF-8, then charset-normalizer."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False
    sample = head[: 4096 * 2]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        if odds > len(sample) // 4 and evens == 0:
            return "utf-16-le", False
        if evens > len(sample) // 4 and odds == 0:
            return "utf-16-be", False
    if b"\x00" in head:
        raise ExportFileError(f"{path.name} is not a text table (it contains binary data). "
                              "Export the report as CSV, Excel (.xlsx) or Parquet.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SAMPLE_BYTES)
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None or best.chaos > 0.2:
        raise ExportFileError(
            f"Cannot tell which text encoding {path.name} uses (it is not UTF-8). "
            "In Excel use Save As > 'CSV UTF-8 (Comma delimited)' and import that file.")
    return best.encoding, True


def _pick_delimiter(text: str) -> str | None:
    """The separator used most often on one line among the first lines (a title line
    above the header may have none); characters inside quotes do not count."""
    best, best_count = None, 0
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS * 2] if ln.strip()][:HEADER_SEARCH_ROWS]
    for line in lines:
        outside, quoted = [], False
        for ch in line:
            if ch == '"':
                quoted = not quoted
            elif not quoted:
                outside.append(ch)
        for d in (",", "\t", ";", "|"):
            c = outside.count(d)
            if c > best_count:
                best, best_count = d, c
    return best


# --------------------------------------------------------------------------- readers

def open_table(path: Path, pick_header: HeaderPicker, chunk_rows: int = 200_000) -> Table:
    path = Path(path)
    if not path.exists():
        raise ExportFileError(f"File not found: {path}")
    if path.is_dir():
        raise ExportFileError(f"{path} is a folder, not a file.")
    try:
        with open(path, "rb") as f:
            head = f.read(SAMPLE_BYTES)
    except OSError as e:
        raise ExportFileError(f"Cannot open {path}: {e.strerror}.") from None
    if not head.strip():
        raise ExportFileError(f"{path.name} is empty.")
    fmt = sniff_format(path, head)
    if fmt == "parquet":
        return _open_parquet(path, chunk_rows)
    if fmt == "xlsx":
        return _open_xlsx(path, pick_header, chunk_rows)
    return _open_csv(path, head, pick_header, chunk_rows)


def _build_chunk(records: list[list[str]], rows: list[int], width: int,
                 with_extra: bool) -> Chunk:
    counts = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
    extra = None
    if (counts != width).any():
        fixed, extras = [], []
        for r in records:
            if len(r) < width:
                fixed.append(r + [""] * (width - len(r)))
                extras.append("")
            else:
                fixed.append(r[:width])
                extras.append(" | ".join(r[width:]))
        records = fixed
        if with_extra:
            extra = pd.Series(extras, dtype=object)
    elif with_extra:
        extra = pd.Series([""] * len(records), dtype=object)
    if records:
        cells = np.empty((len(records), width), dtype=object)
        cells[:] = records if width else cells  # one C-level copy; rows all have `width` cells
    else:
        cells = np.empty((0, width), dtype=object)
    frame = pd.DataFrame(cells, columns=range(width), copy=False)
    return Chunk(frame=frame, rows=np.asarray(rows, dtype=np.int64), field_counts=counts, extra=extra)


def _header_and_rest(records: Iterator[tuple[int, list[str]]], pick_header: HeaderPicker,
                     name: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Find the header among the first non-blank rows; return (row, headers, rows after it)."""
    buffered: list[tuple[int, list[str]]] = []   # every row read so far, blank ones too
    nonblank: list[int] = []                       # positions in `buffered` of rows with a value
    for rownum, rec in records:
        buffered.append((rownum, rec))
        if any(c.strip() for c in rec):
            nonblank.append(len(buffered) - 1)
            if len(nonblank) >= HEADER_SEARCH_ROWS:
                break
    if not nonblank:
        raise ExportFileError(f"{name} is empty (no rows with any values).")
    idx = nonblank[pick_header([buffered[i][1] for i in nonblank])]
    header_row, headers = buffered[idx]
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:  # Excel pads rows with empty trailing cells
        headers.pop()
    return header_row, headers, buffered[idx + 1:]


# Words that open a total line in MIS exports: "Total", "Grand Total", "Sub Total", कुल, योग.
TOTAL_WORDS = frozenset({"total", "grand total", "sub total", "subtotal", "sub-total", "totals",
                         "कुल", "कुल योग", "योग", "महायोग", "मोट", "মোট", "ମୋଟ"})
# their first three letters as written (Total, TOTAL, total): one set lookup per row
_TOTAL_START = frozenset(v for w in TOTAL_WORDS for v in (w[:3], w[:3].title(), w[:3].upper()))


def _is_total_line(rec: list[str]) -> bool:
    """A footer or subtotal line: its first filled cell is a total word and every other filled
    cell is a number (a count)."""
    first = next((c.strip() for c in rec[:3] if c and c.strip()), "")
    if first.lower().rstrip(":") not in TOTAL_WORDS:
        return False
    rest = [c.strip() for c in rec if c and c.strip()][1:]
    return all(c.replace(",", "").replace(".", "", 1).isdigit() for c in rest)


def _total_lines(recs: list[list[str]]) -> list[int]:
    """Indexes of total lines. A crore of rows pass through here, so the first or second cell's
    first three letters are looked up first, and only those rows are read in full."""
    starts = _TOTAL_START
    return [i for i, r in enumerate(recs)
            if (r[0][:3] in starts or (len(r) > 1 and not r[0].strip() and r[1].strip()[:3] in starts))
            and _is_total_line(r)]


def _chunked(table: Table, pending: list[tuple[int, list[str]]],
             records: Iterator[tuple[int, list[str]]], chunk_rows: int, trim_cells: bool) -> Iterator[Chunk]:
    """Up to chunk_rows rows at a time; per-row work stays in C (islice, map) except for the
    rare rows whose length differs from the header."""
    width = table.width
    it = itertools.chain(pending, records)
    found_data = False
    while True:
        batch = list(itertools.islice(it, chunk_rows))
        if not batch:
            break
        rownums = [r for r, _ in batch]
        recs = [rec for _, rec in batch]
        del batch
        keep = np.fromiter(map(any, recs), dtype=bool, count=len(recs))
        if not keep.all():
            table.blank_rows += int((~keep).sum())
            idx = np.flatnonzero(keep)
            recs = [recs[i] for i in idx]
            rownums = [rownums[i] for i in idx]
        if not recs:
            continue
        totals = _total_lines(recs)
        if totals:  # skipped, and said (import notes): a footer is not a member to reject
            table.total_rows += [rownums[i] for i in totals]
            drop = set(totals)
            recs = [r for i, r in enumerate(recs) if i not in drop]
            rownums = [n for i, n in enumerate(rownums) if i not in drop]
            if not recs:
                continue
        recs = list(recs)
        counts = np.fromiter(map(len, recs), dtype=np.int64, count=len(recs))
        for i in np.flatnonzero(counts != width):
            rec = recs[i]
            if len(rec) > width and not "".join(rec[width:]).strip():
                recs[i] = rec[:width]  # padded with empty cells (sheet width, trailing commas)
            elif trim_cells and len(rec) < width:
                recs[i] = rec + [""] * (width - len(rec))  # spreadsheets drop trailing empty cells
        found_data = True
        yield _build_chunk(recs, rownums, width, table.format == "csv")
    if not found_data:
        raise ExportFileError(f"{table.path.name} has a header row but no data rows.")


def _open_csv(path: Path, head: bytes, pick_header: HeaderPicker, chunk_rows: int) -> Table:
    encoding, guessed = detect_encoding(path, head)
    sample = head.decode(encoding, errors="ignore")
    delimiter = _pick_delimiter(sample)

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = None
        try:
            with open(path, encoding=encoding, newline="", errors="strict") as f:
                # strict: a quote that never closes must stop the import, not swallow
                # every later row into one cell
                reader = csv.reader(f, delimiter=delimiter or ",", strict=True)
                yield from zip(itertools.count(1), reader)  # record number = spreadsheet row
        except UnicodeDecodeError:
            line = reader.line_num + 1 if reader else 1
            raise ExportFileError(
                f"{path.name} is not valid {encoding} text near line {line}: part of the file "
                "uses another encoding. Open it in Excel and use Save As > 'CSV UTF-8'.") from None
        except csv.Error:
            line = reader.line_num if reader else 1
            raise ExportFileError(
                f"{path.name} cannot be read as a table at line {line}: a quote mark (\") is "
                "misplaced or never closed, so rows cannot be told apart. Fix that line (or "
                "re-save the file from Excel) and import again.") from None

    it = records()

    def picker(cands: list[list[str]]) -> int:
        if delimiter is None and all(len(c) == 1 for c in cands):
            raise ExportFileError(
                f"{path.name} does not look like a table: no commas, tabs or semicolons separate "
                "columns in its first line. Export the report as CSV or Excel (.xlsx).")
        return pick_header(cands)

    header_row, headers, pending = _header_and_rest(it, picker, path.name)
    table = Table(path=path, format="csv", headers=headers, header_row=header_row, chunks=iter(()),
                  encoding=encoding, encoding_guessed=guessed, delimiter=delimiter)
    if guessed:
        table.notes.append(f"the file is not UTF-8; read it as {encoding} (a guess): check that "
                           "names look right, or save as 'CSV UTF-8' and import again")
    table.chunks = _chunked(table, pending, it, chunk_rows, trim_cells=False)
    return table


def _open_xlsx(path: Path, pick_header: HeaderPicker, chunk_rows: int) -> Table:
    import openpyxl

    handle = open(path, "rb")  # a file object: openpyxl would refuse a name not ending .xlsx
    try:
        wb = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for damaged files
        handle.close()
        raise ExportFileError(f"{path.name} cannot be opened as an Excel workbook "
                              f"({type(e).__name__}). Save it again from Excel as .xlsx.") from None

    def rows_of(ws) -> Iterator[tuple[int, list[str]]]:
        for rownum, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield rownum, [xlsx_cell_text(v) for v in row]

    errors: list[ExportFileError] = []
    for ws in wb.worksheets:  # the first sheet that has the required columns
        it = rows_of(ws)
        try:
            header_row, headers, pending = _header_and_rest(it, pick_header, f"{path.name} sheet '{ws.title}'")
        except ExportFileError as e:
            errors.append(e)
            continue
        table = Table(path=path, format="xlsx", headers=headers, header_row=header_row,
                      chunks=iter(()), sheet=ws.title)
        if len(wb.worksheets) > 1:
            table.notes.append(f"read sheet '{ws.title}' of {len(wb.worksheets)}")
        try:
            _check_unsaved_formulas(table, pick_header)
        except ExportFileError:
            wb.close()
            handle.close()
            raise

        def gen(table=table, pending=pending, it=it):
            try:
                yield from _chunked(table, pending, it, chunk_rows, trim_cells=True)
            finally:
                wb.close()
                handle.close()
        table.chunks = gen()
        return table
    wb.close()
    handle.close()
    if len(errors) == 1:
        raise errors[0]
    raise ExportFileError(f"No sheet of {path.name} has the required columns. "
                          + " | ".join(e.message for e in errors))


def _local(tag: str) -> str:
    """An XML name without its namespace (transitional and strict OOXML use different ones)."""
    return tag.rsplit("}", 1)[-1]


def _sheet_member(z: zipfile.ZipFile, title: str) -> str | None:
    """The zip member holding sheet ``title``: workbook.xml names it, its rels file locates it."""
    rid = None
    for el in ET.fromstring(z.read("xl/workbook.xml")).iter():
        if _local(el.tag) == "sheet" and el.get("name") == title:
            rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
            break
    if rid is None:
        return None
    for el in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
        if el.get("Id") == rid:
            target = el.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return None


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def unsaved_formula_columns(path: Path, sheet: str, header_row: int, width: int) -> list[int]:
    """Positions of columns where one of the first data rows holds a formula with no saved result.

    Excel and LibreOffice store each formula's last result next to it; files written by scripts
    (openpyxl, many report tools) store none, and openpyxl cannot calculate, so such cells read
    as empty and a whole column would be blanked without a word. Only the first
    FORMULA_SAMPLE_ROWS data rows of the sheet XML are parsed, so this stays cheap. A formula
    whose saved result is an empty string (t="str") is not counted.

    Hand-read rather than through openpyxl, because openpyxl returns None both for a formula
    never computed and for one whose saved result is empty text (Excel's =IF(...,"",...),
    common in MIS sheets): only the cell's XML tells them apart.
    """
    found: set[int] = set()
    last_row = header_row + FORMULA_SAMPLE_ROWS
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_member(z, sheet)
            if member is None:
                return []
            with z.open(member) as src:
                rownum, col = 0, -1
                for event, el in ET.iterparse(src, events=("start", "end")):
                    tag = _local(el.tag)
                    if event == "start":
                        if tag == "row":
                            rownum = int(el.get("r") or rownum + 1)
                            col = -1
                            if rownum > last_row:
                                break
                        continue
                    if tag == "c":
                        ref = el.get("r")
                        col = _column_index(ref) if ref else col + 1
                        if header_row < rownum and col < width:
                            kids = {_local(k.tag): k for k in el}
                            v = kids.get("v")
                            if "f" in kids and (v is None or (not v.text and el.get("t") != "str")):
                                found.add(col)
                        el.clear()
                    elif tag == "row":
                        el.clear()
    except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, OSError):
        pass  # a layout we do not know: openpyxl reports real damage itself
    return sorted(found)


def _check_unsaved_formulas(table: Table, pick_header: HeaderPicker) -> None:
    """Tell the user about formula columns that would read as empty: a note for an optional
    column; an ExportFileError when the import needs the column (every row would otherwise be
    rejected as "member ID is empty"). pick_header knows which columns are needed: a header
    row it refuses without this column means the column is required."""
    cols = unsaved_formula_columns(table.path, table.sheet, table.header_row, table.width)
    fix = "open the file in Excel (or LibreOffice) and save it, then import again"
    required = []
    for i in cols:
        blanked = [h if j != i else "" for j, h in enumerate(table.headers)]
        try:
            pick_header([blanked])
        except ExportFileError:
            required.append(i)
    if required:
        names = ", ".join(f"'{table.headers[i]}'" for i in required)
        raise ExportFileError(
            f"Column {names} of {table.path.name} sheet '{table.sheet}' holds formulas whose "
            f"results were never saved, so every cell reads as empty: {fix}.")
    for i in cols:
        table.notes.append(f"column '{table.headers[i]}' holds formulas whose results were never "
                           f"saved, so it was read as empty: {fix}")


def _float_cell(v: object) -> str:
    """A Parquet float as text: as :func:`cell_text`, except that a whole number up to 2**53
    is exact in a float64 (Excel's 15-digit limit does not apply), so it keeps all its digits."""
    f = float(v)
    if f.is_integer() and abs(f) <= EXACT_FLOAT:
        return str(int(f))
    return cell_text(f)


def arrow_column_text(col: pa.Array) -> np.ndarray:
    """One Parquet column as text cells (null -> ""), converted in Arrow where pandas would
    change the value: pandas makes an int64 column with one null float64, and a 16-digit
    member ID or account then prints as 1.23456789012346E+15 with its last digits lost."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(col.type):  # categorical columns written by pandas
        col = col.dictionary_decode()
    t = col.type
    if pa.types.is_integer(t) or pa.types.is_date(t):
        col = pc.cast(col, pa.string())  # every digit; dates as ISO text like cell_text
    elif pa.types.is_decimal(t):
        col = pc.replace_substring_regex(pc.cast(col, pa.string()), r"\.0+$", "")  # 12.00 -> 12
    elif pa.types.is_boolean(t):
        col = pc.if_else(col, "TRUE", "FALSE")
    elif pa.types.is_floating(t):
        values = col.to_numpy(zero_copy_only=False)  # null -> NaN
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array([_float_cell(u) for u in uniques] + [""], dtype=object)
        return texts[codes]
    elif not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)):
        # timestamps, times, binary, lists: per distinct value, as for any frame
        return frame_to_text(col.to_pandas().to_frame())[0].to_numpy()
    return pc.fill_null(col, "").to_numpy(zero_copy_only=False)


def _lossy_float_columns(pf) -> list[str]:
    """Float columns whose statistics reach beyond 2**53: their long numbers (IDs, Aadhaar,
    accounts) lost digits when the file was written, which only the file's maker can undo."""
    import pyarrow as pa

    floats = {f.name for f in pf.schema_arrow if pa.types.is_floating(f.type)}
    lossy: list[str] = []
    md = pf.metadata
    for g in range(md.num_row_groups if floats else 0):
        group = md.row_group(g)
        for j in range(group.num_columns):
            c = group.column(j)
            name, stats = c.path_in_schema, c.statistics
            if name in floats and name not in lossy and stats is not None and stats.has_min_max:
                if max(abs(stats.min), abs(stats.max)) > EXACT_FLOAT:
                    lossy.append(name)
    return lossy


def _open_parquet(path: Path, chunk_rows: int) -> Table:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:
        raise ExportFileError(f"{path.name} cannot be read as Parquet ({type(e).__name__}).") from None
    headers = [str(n) for n in pf.schema_arrow.names]
    table = Table(path=path, format="parquet", headers=headers, header_row=1, chunks=iter(()))
    if pf.metadata.num_rows == 0:
        raise ExportFileError(f"{path.name} has columns but no data rows.")
    for name in _lossy_float_columns(pf):
        table.notes.append(f"column '{name}' is stored as floating-point numbers, which keep only "
                           "15-16 digits: its longest numbers lost their last digits. Export that "
                           "column as text and import again")

    def gen() -> Iterator[Chunk]:
        start = 0
        for batch in pf.iter_batches(batch_size=chunk_rows):
            n = batch.num_rows
            frame = pd.DataFrame({i: arrow_column_text(c) for i, c in enumerate(batch.columns)},
                                 index=range(n))
            # Parquet has no header row; number rows as if it had one, so a Parquet made
            # from a CSV reports the same row numbers as that CSV.
            rows = np.arange(start + 2, start + 2 + n, dtype=np.int64)
            start += n
            yield Chunk(frame=frame, rows=rows, field_counts=np.full(n, len(headers), dtype=np.int64))
    table.chunks = gen()
    return table


def frame_table(df: pd.DataFrame, chunk_rows: int | None = None) -> Table:
    """An in-memory frame as a Table (API uploads, tests). Rows numbered as in a CSV: first data row 2."""
    headers = [str(c) for c in df.columns]
    frame = frame_to_text(df)
    n = len(frame)
    table = Table(path=Path("<frame>"), format="frame", headers=headers, header_row=1, chunks=iter(()))
    size = chunk_rows or max(n, 1)

    def gen() -> Iterator[Chunk]:
        for start in range(0, n, size):
            part = frame.iloc[start:start + size].reset_index(drop=True)
            yield Chunk(frame=part, rows=np.arange(start + 2, start + 2 + len(part), dtype=np.int64),
                        field_counts=np.full(len(part), len(headers), dtype=np.int64))
    table.chunks = gen()
    return table
