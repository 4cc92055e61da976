"""Big tables train block by block over their distinct rows; small ones exactly as the
textbook loop does. Both are compared with that loop written out plainly."""
import json
import subprocess

import numpy as np
import pytest

from brain import TrainConfig, Trainer
from brain.decoders import decode_all
from brain.losses import get_loss
from brain.network import Network
from brain.optimizers import Adam
from brain.table import Column, Table
from brain.training import BLOCK_ROWS, _parameters, backprop


def textbook(net, x, y, config, epochs):
    """Full-batch Adam on every row at once: the loss before each step, as a list."""
    loss, opt, params, curve = get_loss(config.loss), Adam(config.learning_rate()), _parameters(net), []
    for _ in range(epochs):
        zs, acts = net.trace(x)
        curve.append(loss.value(zs[-1], acts[-1], y))
        opt.update(params, backprop(net, zs, acts, y, loss))
    return curve


def teach_like(rows, seed, outputs=2, binary=False):
    """Rows as teach mode records them: a few hundred situations, each seen many times,
    now and then with another answer."""
    rng = np.random.default_rng(seed)
    situations = rng.uniform(-1, 1, (300, 2)).round(2)
    x = situations[rng.integers(0, len(situations), rows)]
    y = np.sign(x @ rng.normal(size=(2, outputs)))
    slips = rng.random(rows) < 0.05
    y[slips] = -y[slips]
    return x, ((y > 0).astype(float) if binary else y)


def net_for(outputs, activation="tanh"):
    return Network.create([2, 3, outputs], ["tanh", activation], seed=1)


@pytest.mark.parametrize("rows", [12, BLOCK_ROWS])
def test_a_table_of_one_block_trains_bit_for_bit_as_the_textbook_loop(rows):
    x, y = teach_like(rows, 0)
    config = TrainConfig(epochs=40, stop_when_right=False)
    ours, reference = net_for(2), net_for(2)
    trainer = Trainer(ours, x, y, config, decoders=["sign", "sign"])
    trainer.run()
    assert trainer.loss_curve_ == textbook(reference, x, y, config, 40)
    for a, b in zip(_parameters(ours), _parameters(reference)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("loss,activation,binary", [("mse", "tanh", False), ("bce", "sigmoid", True)])
@pytest.mark.parametrize("rows,distinct", [(3 * BLOCK_ROWS + 17, False), (BLOCK_ROWS + 1, True)])
def test_a_big_table_trains_as_the_textbook_loop_up_to_rounding(rows, distinct, loss, activation, binary):
    if distinct:
        rng = np.random.default_rng(2)
        x = rng.uniform(-1, 1, (rows, 2))
        y = np.sign(x @ rng.normal(size=(2, 2)))
        y = (y > 0).astype(float) if binary else y
    else:
        x, y = teach_like(rows, 1, binary=binary)
    config = TrainConfig(epochs=60, loss=loss, stop_when_right=False)
    ours, reference = net_for(2, activation), net_for(2, activation)
    decoders = ["bit" if binary else "sign"] * 2
    trainer = Trainer(ours, x, y, config, decoders=decoders)
    trainer.run(max_epochs=59)
    before_last_step = ours.copy()
    trainer.run()
    np.testing.assert_allclose(trainer.loss_curve_, textbook(reference, x, y, config, 60), rtol=1e-9)
    for a, b in zip(_parameters(ours), _parameters(reference)):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    # rows right counts every row of the table, repeats included, before the last step
    right = (decode_all(decoders, before_last_step.forward(x)) == decode_all(decoders, y)).all(axis=1)
    assert trainer.rows_right_ == int(right.sum())


def test_mini_batches_on_a_big_table_report_the_whole_tables_loss():
    x, y = teach_like(2 * BLOCK_ROWS + 5, 3)
    net = net_for(2)
    trainer = Trainer(net, x, y, TrainConfig(optimizer="gd", lr=0.3, batch_size=512, epochs=3,
                                             stop_when_right=False), decoders=["sign", "sign"])
    trainer.run()
    zs, acts = net.trace(x)
    assert trainer.loss_curve_[-1] == pytest.approx(get_loss("mse").value(zs[-1], acts[-1], y), rel=1e-12)
    assert trainer.rows_right_ == int(trainer.final_rows_right().sum())
    assert trainer.iterations_ == 3 * 17


def test_train_on_100000_teach_mode_rows_runs_at_150_epochs_a_second_or_more(neurocar_cmd, tmp_path):
    """The command with its defaults (2-3-2, full-batch Adam, 2,000 epochs); measured
    about 1,700 epochs/s, so the bound holds on a loaded machine too."""
    x, y = teach_like(100_000, 4)
    columns = [Column("distance", "in"), Column("position", "in"),
               Column("turn", "out", "sign"), Column("direction", "out", "sign")]
    path, out, summary = tmp_path / "teach.csv", tmp_path / "b.json", tmp_path / "r.json"
    path.write_text(Table(columns, x, y, [], "teach.csv").to_csv())
    proc = subprocess.run([*neurocar_cmd, "train", str(path), "--out", str(out), "--json", str(summary)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(summary.read_text())
    assert result["rows"] == 100_000 and result["epochs"] == 2000
    assert result["epochs"] / result["train_seconds"] >= 150, result
    assert f"{result['rows_right']}/100000 rows right" in proc.stdout
