"""Plain-text reports: the per-row check after training, and a brain's weights."""
from brain.decoders import decode_all
from brain.i18n import _


def _num(v: float) -> str:
    return f"{v:g}" if float(v).is_integer() else f"{v:.3f}"


def rows_report(table, outputs) -> str:
    """Each row: inputs, expected and obtained outputs, and whether it decodes right.
    Built column by column: a table recorded in teach mode can have 100,000 rows."""
    right = (decode_all(table.decoders, outputs) == table.decoded_targets()).all(axis=1)
    head = ["#", *table.input_names, *(_("{name} expected").format(name=n) for n in table.output_names),
            *(_("{name} obtained").format(name=n) for n in table.output_names), _("right"), _("action")]
    n = len(table)
    columns = [[str(i + 1) for i in range(n)],
               *([_num(v) for v in column] for column in table.inputs.T.tolist()),
               *([_num(v) for v in column] for column in table.targets.T.tolist()),
               *([f"{v:+.3f}" for v in column] for column in outputs.T.tolist()),
               [_("yes") if ok else _("NO") for ok in right.tolist()],
               list(table.labels) if table.labels else [""] * n]
    widths = [max(len(name), *map(len, column)) for name, column in zip(head, columns)]
    line = "  ".join(f"{{:>{w}}}" for w in widths)
    lines = [line.format(*head).rstrip(), *(line.format(*cells).rstrip() for cells in zip(*columns))]
    lines.append(_("{right}/{count} rows right").format(right=int(right.sum()), count=n))
    return "\n".join(lines)


def weights_report(brain) -> str:
    """Every layer's weights and biases with their shapes named, plus what the brain means."""
    net = brain.network
    lines = [_("network {sizes}, {count} parameters").format(sizes="-".join(map(str, net.sizes)),
                                                             count=net.n_parameters()),
             _("inputs:  {names}").format(names=", ".join(brain.input_names)),
             _("outputs: {names}").format(names=", ".join(f"{n} ({d})" for n, d in zip(brain.output_names,
                                                                                      brain.decoders)))]
    names = [brain.input_names] + [[f"h{k + 1}.{j + 1}" for j in range(l.n_out)]
                                   for k, l in enumerate(net.layers[:-1])] + [brain.output_names]
    for k, layer in enumerate(net.layers):
        src, dst = names[k], names[k + 1]
        lines.append("")
        lines.append(_("layer {number}: {n_in} -> {n_out}, {activation}").format(
            number=k + 1, n_in=layer.n_in, n_out=layer.n_out, activation=layer.activation.name))
        lines.append(_("  weights [{n_in} inputs x {n_out} neurons]:").format(n_in=layer.n_in, n_out=layer.n_out))
        width = max(8, *(len(d) for d in dst))
        lines.append("    " + " " * max(len(s) for s in src) + "  " + "".join(d.rjust(width + 1) for d in dst))
        for s, row in zip(src, layer.weights):
            lines.append("    " + s.rjust(max(len(x) for x in src)) + "  "
                         + "".join(f"{w:+.{width - 3}f}".rjust(width + 1) for w in row))
        if layer.has_bias:
            lines.append(_("  biases [{n_out}]: {values}").format(n_out=layer.n_out,
                                                                  values=" ".join(f"{b:+.4f}" for b in layer.biases)))
        else:
            lines.append(_("  no biases"))
    lines += ["", provenance_line(brain.provenance)]
    return "\n".join(lines)


def _loss(value) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)


def provenance_line(prov: dict) -> str:
    """Where a brain came from, in the words its provenance allows."""
    table = str(prov["table"]) if "table" in prov else _("an unnamed table")
    if prov.get("table_sha256"):
        table += f" (sha256 {str(prov['table_sha256'])[:12]})"
    if prov.get("imported_from"):
        return _("imported from the sketch {sketch}, read against the table {table}").format(
            sketch=prov["imported_from"], table=table)
    if isinstance(prov.get("evolution"), dict):
        return _evolution_line(prov["evolution"])
    if all(k in prov for k in ("seed", "epochs", "final_loss")):
        return _("trained on {table}, seed {seed}, {epochs} epochs, final loss {loss}").format(
            table=table, seed=prov["seed"], epochs=prov["epochs"], loss=_loss(prov["final_loss"]))
    return _("where this brain came from is not recorded in its file")


def _evolution_line(evo: dict) -> str:
    """An evolved brain's origin: the search, where it started and which candidate was kept."""
    settings = evo.get("settings") if isinstance(evo.get("settings"), dict) else {}
    line = _("evolved by {method} from {start}, seed {seed}, {generations} generations").format(
        method=evo.get("method", "?"), start=evo.get("start", "?"), seed=settings.get("seed", "?"),
        generations=evo.get("generations", "?"))
    if "chosen_generation" in evo:
        line += _("; kept generation {generation}, chosen on validation worlds").format(
            generation=evo["chosen_generation"])
    return line
