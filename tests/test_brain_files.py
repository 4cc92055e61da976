"""Tables and brain files: round trips, and one clear message for every bad input."""
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brain import (NeurocarError, BrainFileError, TableError, TrainConfig, TrainingError, load_brain,
                   load_table, save_brain, train)
from brain.brainfile import brain_from_dict
from brain.network import Network
from brain.table import parse_table
from brain.training import check_fit
from simulator.assets import asset

HEADER = "distance:in,position:in,turn:out:round,direction:out:sign,action:label\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_shipped_tables_declare_their_columns():
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    assert table.input_names == ["distance", "position"]
    assert table.output_names == ["turn", "direction"] and table.decoders == ["round", "sign"]
    assert len(table) == 12 and table.labels[3] == "turn left"
    motors = load_table(asset("tables", "seed_motors.csv"))
    assert motors.output_names == ["IN1", "IN2", "IN3", "IN4"] and set(motors.decoders) == {"bit"}
    assert len(motors) == 9


def test_table_round_trips_through_csv(tmp_path):
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    again = parse_table(table.to_csv(), "copy")
    np.testing.assert_array_equal(again.inputs, table.inputs)
    np.testing.assert_array_equal(again.targets, table.targets)
    assert again.labels == table.labels and again.columns == table.columns
    assert again.sha256() == table.sha256()


@pytest.mark.parametrize("text,expected", [
    (HEADER + "0,0,0,1,forward\n0,abc,0,1,forward\n",
     "t.csv, line 3, column 'position': 'abc' is not a finite number"),
    (HEADER + "0,0,0,1\n", "t.csv, line 2: 4 values, but the header has 5 columns"),
    ("", "t.csv: the table is empty"),
    ("# only a comment\n", "t.csv: the table is empty"),
    (HEADER, "t.csv: the table has a header but no data rows"),
    ("distance:input,turn:out:round\n0,1\n", "header cell 'distance:input' has no known role"),
    ("distance:in,turn:out\n0,1\n", "output column 'turn:out' needs a decoder; each header cell must be"),
    ("distance:in,turn:out:floor\n0,1\n", "decoders: round, sign, bit"),
    ("distance:in,distance:out:round\n0,1\n", "column names must be unique; repeated: distance"),
    ("distance:in,action:label\n0,go\n", "needs at least one input column and one output column"),
    (HEADER + "0,nan,0,1,forward\n", "'nan' is not a finite number"),
])
def test_bad_tables_get_one_clear_message(tmp_path, text, expected):
    path = write(tmp_path, "t.csv", text)
    with pytest.raises(TableError) as err:
        load_table(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_missing_and_binary_table_files(tmp_path):
    with pytest.raises(TableError, match="no such table file"):
        load_table(tmp_path / "nope.csv")
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TableError, match="cannot be read as a UTF-8 text file"):
        load_table(path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789-.,:#\n abcinoutlabelroundsignbitIN\"e")), max_size=200))
def test_fuzzed_tables_load_or_fail_cleanly(text):
    try:
        table = parse_table(text, "fuzz.csv")
    except TableError as e:
        assert str(e).startswith("fuzz.csv")
        return
    assert table.inputs.shape[0] == table.targets.shape[0] == len(table.labels) >= 1
    assert np.isfinite(table.inputs).all() and np.isfinite(table.targets).all()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_table_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fz") / "t.csv"
    path.write_bytes(data)
    try:
        load_table(path)
    except TableError:
        pass


def small_brain():
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    brain, _ = train(table, TrainConfig(seed=0))
    return brain, table


def test_brain_file_round_trip_is_exact(tmp_path):
    brain, table = small_brain()
    save_brain(tmp_path / "b.json", brain)
    again = load_brain(tmp_path / "b.json")
    np.testing.assert_array_equal(again.forward(table.inputs), brain.forward(table.inputs))
    assert again.output_names == ["turn", "direction"] and again.decoders == ["round", "sign"]
    assert again.action_label([-1, 1]) == "turn left"
    assert again.provenance["table_sha256"] == table.sha256()
    assert again.provenance["rows_right"] == 12
    assert again.sha256() == brain.sha256()


def test_tutorial_layout_brain_round_trips_without_biases(tmp_path):
    from brain.brainfile import Brain
    from brain.tutorial_layout import from_tutorial_layout
    net = from_tutorial_layout(np.ones((3, 4)) * 0.1, np.ones((4, 4)) * 0.2)
    brain = Brain(net, ["distance", "position"], ["IN1", "IN2", "IN3", "IN4"], ["bit"] * 4)
    save_brain(tmp_path / "s.json", brain)
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["layers"][1]["bias"] is False and data["layers"][1]["biases"] is None
    assert load_brain(tmp_path / "s.json").network.layers[1].has_bias is False


def good_dict():
    brain, _ = small_brain()
    return brain.to_dict()


@pytest.mark.parametrize("mutate,expected", [
    (lambda d: d.update(version=99), "brain file version 99 is not supported; this neurocar reads version 1"),
    (lambda d: d.update(format="other"), "not a neurocar brain file"),
    (lambda d: d["layers"][0].update(activation="softmax"), "layer 1: activation 'softmax' is not one of"),
    (lambda d: d["layers"][0].update(weights=[[1, 2]]), "layer 1 weights have shape (1, 2), expected (2, 3)"),
    (lambda d: d["layers"][1].update(biases=None), "layer 2 biases must be a list of numbers of shape (2,)"),
    (lambda d: d.update(inputs=["distance"]), "the network takes 2 inputs and gives 2 outputs, but the file names 1"),
    (lambda d: d["outputs"][0].update(decoder="x"), "\"outputs\" must be a non-empty list"),
    (lambda d: d["layers"][0]["weights"][0].__setitem__(0, float("nan")), "non-finite values"),
    (lambda d: d.update(layers=[]), "\"layers\" must be a non-empty list"),
])
def test_bad_brain_files_get_one_clear_message(tmp_path, mutate, expected):
    data = good_dict()
    mutate(data)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BrainFileError) as err:
        load_brain(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_corrupt_brain_file_names_the_line(tmp_path):
    path = write(tmp_path, "b.json", '{\n "format": "neurocar-brain",\n "version": 1,,\n}')
    with pytest.raises(BrainFileError, match=r"b.json, line 3: not valid JSON"):
        load_brain(path)


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=5),
                    max_leaves=30))
def test_fuzzed_brain_documents_load_or_fail_cleanly(doc):
    try:
        brain_from_dict(doc, "fuzz.json")
    except BrainFileError as e:
        assert str(e).startswith("fuzz.json")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fuzzed_edits_of_a_real_brain_load_or_fail_cleanly(data):
    doc = good_dict()
    layer = data.draw(st.sampled_from(doc["layers"]))
    key = data.draw(st.sampled_from(sorted(layer)))
    layer[key] = data.draw(st.none() | st.integers(-3, 5) | st.text(max_size=5)
                           | st.lists(st.floats(allow_nan=True), max_size=4))
    try:
        brain = brain_from_dict(doc, "fuzz.json")
    except BrainFileError:
        return
    assert np.isfinite(brain.forward([[0.0, 0.0]])).all()


def test_saving_never_leaves_a_broken_file(tmp_path, monkeypatch):
    brain, _ = small_brain()
    path = tmp_path / "b.json"
    save_brain(path, brain)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr("os.replace", failing_replace)
    with pytest.raises(OSError):
        save_brain(path, brain)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_network_that_does_not_fit_the_table_is_refused():
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    with pytest.raises(TrainingError, match="the network takes 3 inputs but the table has 2 input columns"):
        check_fit(Network.create([3, 3, 2], "tanh", seed=0), table)
    with pytest.raises(TrainingError, match="gives 4 outputs but the table has 2 output columns"):
        check_fit(Network.create([2, 3, 4], "tanh", seed=0), table)


def test_bad_settings_are_refused_at_the_edge():
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    for config, expected in [(TrainConfig(optimizer="lbfgs"), "unsupported optimizer 'lbfgs'; accepted: adam"),
                             (TrainConfig(lr=-1), "learning rate -1"),
                             (TrainConfig(hidden=[0]), "hidden layer sizes [0]"),
                             (TrainConfig(loss="bce"), "cross-entropy loss (bce) needs a sigmoid output")]:
        with pytest.raises(NeurocarError) as err:
            train(table, config)
        assert expected in str(err.value)


def test_brain_files_of_any_shape_are_refused_with_the_brain_error_only():
    """Mutated shipped brains (values swapped for other JSON types) raise BrainFileError or load."""
    import copy
    import json
    import random

    from brain.brainfile import brain_from_dict
    from brain.errors import BrainFileError
    from simulator.assets import asset
    base = json.loads(asset("brains", "default.json").read_text())
    values = [None, True, 0, -1, 1e308, float("nan"), "x", [], {}, [1], {"a": 1}, [[1]], 10**30]
    rnd = random.Random(0)

    def mutate(node, depth=0):
        keys = list(node) if isinstance(node, dict) else range(len(node))
        if not keys:
            return
        k = rnd.choice(list(keys))
        if isinstance(node[k], (dict, list)) and node[k] and depth < 4 and rnd.random() < 0.5:
            mutate(node[k], depth + 1)
        else:
            node[k] = rnd.choice(values)
    for _ in range(1500):
        data = copy.deepcopy(base)
        for _ in range(rnd.randint(1, 3)):
            mutate(data)
        try:
            brain_from_dict(data, "b.json")
        except BrainFileError:
            pass
