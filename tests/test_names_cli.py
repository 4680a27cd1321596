"""`pehchaan names show` / `compare`, through the real root app."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from dedup.cli import app

runner = CliRunner()


def test_show_prints_every_part_for_each_name():
    result = runner.invoke(app, ["names", "show", "SMT SUNITA DEVI W/O RAMESH", "सुनीता देवी"])
    assert result.exit_code == 0, result.output
    out = result.output
    for label in ("Script(s)", "Latin reading", "Honorific", "Given name", "Title", "Surname",
                  "Relation", "Relation's name", "Phonetic key"):
        assert label in out
    assert "Devanagari" in out and "Latin" in out
    assert "husband" in out and "ramesh" in out and "smt" in out
    assert out.count("Phonetic key") == 2


def test_show_json_is_one_object_per_line():
    names = ["SMT SUNITA DEVI W/O RAMESH", "সুনীতা দেবী", "Suneeta Debi", "Anita Devi Barla"]
    result = runner.invoke(app, ["names", "show", "--json", *names])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [d["original"] for d in lines] == names
    first = lines[0]
    assert first["honorific"] == "smt" and first["given"] == "sunita" and first["title"] == "devi"
    assert first["relation_type"] == "husband" and first["relation_name"] == "ramesh"
    assert first["scripts"] == ["Latin"] and first["key"] == "sunita"
    assert lines[1]["scripts"] == ["Bengali"]
    # same woman in three writings: one key; the surname joins the key, the title does not
    assert lines[0]["key"] == lines[1]["key"] == lines[2]["key"]
    assert lines[3]["surname"] == "barla" and lines[3]["key"] == "anita barla"


def test_show_empty_name_does_not_crash():
    result = runner.invoke(app, ["names", "show", "--json", "  "])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["key"] == ""


def test_show_needs_a_name():
    result = runner.invoke(app, ["names", "show"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_compare_says_sounds_the_same():
    result = runner.invoke(app, ["names", "compare", "--json", "Suneeta Debi", "सुनीता देवी"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["agreement"]["given"] == "sounds the same"
    assert d["agreement"]["title"] == "same" and d["agreement"]["key"] == "same"
    result = runner.invoke(app, ["names", "compare", "Sunita", "Sumita"])
    assert result.exit_code == 0 and "different" in result.output


def test_a_number_typed_into_a_name_is_not_echoed():
    """An Aadhaar typed into `names show` / `compare` is hidden as an import hides it."""
    from typer.testing import CliRunner

    from dedup.cli import app
    for args in (["names", "show", "Sunita Devi 2004 5678 9018"], ["names", "show", "--json", "Sunita 2004.5678.9018"],
                 ["names", "compare", "Sunita 200456789018", "Sunita Devi"]):
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0 and "XXXXXXXX9018" in res.output
        assert "200456789018" not in "".join(c for c in res.output if c.isdigit())
