"""The summary ``neurocar eval`` prints for people: a table of the first episodes and the
totals, in the language in use (the rows and JSON it writes stay as they are)."""
from brain.i18n import N_, _

SHOWN_ROWS = 12
# the summary table's columns: (heading, shown through _(); its least width; a row's cell)
COLUMNS = ((N_("world"), 24, lambda r: r["world"][:24]), (N_("coll"), 5, lambda r: f"{r['collisions']}"),
           ("/min", 6, lambda r: f"{r['collisions_per_minute']:.2f}"),
           (N_("contact s"), 9, lambda r: f"{r['contact_s']:.1f}"),
           (N_("dist cm"), 8, lambda r: f"{r['distance_cm']:.0f}"), (N_("cover"), 6, lambda r: f"{r['coverage']:.2f}"),
           (N_("stuck s"), 7, lambda r: f"{r['stuck_s']:.1f}"), (N_("closest"), 7, lambda r: f"{r['closest_cm']:.1f}"))
LABEL_W = 21              # the totals' labels, padded: the worst tenth's and the emulated Unos' lines line up


def format_summary(brain_name: str, rows, s: dict) -> str:
    """The table of the first rows (all of them up to SHOWN_ROWS) and the totals."""
    n, widths = s["episodes"], [max(least, len(_(heading))) for heading, least, _cell in COLUMNS]
    table = [[_(heading) for heading, _least, _cell in COLUMNS]]
    shown = rows[:n if n <= SHOWN_ROWS else SHOWN_ROWS - 2]
    table += [[cell(r) for _heading, _least, cell in COLUMNS] for r in shown]
    lines = [_("brain {brain}: {episodes} episodes, {seconds:.0f} simulated car-seconds").format(
        brain=brain_name, episodes=n, seconds=s["sim_seconds"])]
    lines += [" ".join(c.rjust(w) if k else c.ljust(w) for k, (c, w) in enumerate(zip(cells, widths)))
              for cells in table]
    if n > SHOWN_ROWS:
        lines.append(_("... {count} more episodes (see --json)").format(count=n - (SHOWN_ROWS - 2)))
    return "\n".join(lines + [f"{label:<{LABEL_W}} {text}" for label, text in _totals(s)])


def _totals(s: dict) -> list[tuple[str, str]]:
    """(label, figures) of the summary's totals, in the language in use."""
    share = {k: f"{100 * s[k]:.{digits}f} %" for k, digits in (("contact_fraction", 1), ("collision_free_fraction", 0),
                                                              ("mean_coverage", 1), ("stuck_fraction", 1))}
    return [(_("collisions"), _("{count}  ({rate:.2f} per minute)").format(count=s["collisions"],
                                                                          rate=s["collisions_per_minute"])),
            (_("per metre driven"), _("{rate:.2f} collisions").format(rate=s["collisions_per_metre"])),
            (_("in contact"), _("{share} of the time").format(share=share["contact_fraction"])),
            (_("collision-free"), _("{share} of episodes").format(share=share["collision_free_fraction"])),
            (_("mean distance"), _("{cm} cm").format(cm=f"{s['mean_distance_cm']:.0f}")),
            (_("mean coverage"), _("{share} of free cells").format(share=share["mean_coverage"])),
            (_("stuck"), _("{share} of the time").format(share=share["stuck_fraction"])),
            (_("speed"), _("{speed:.0f}x real time in {wall:.2f} s wall on {jobs} worker(s), {cores} core(s) = "
                           "{per_core:.0f}x real time per core").format(
                speed=s["sim_seconds"] / s["wall_seconds"], wall=s["wall_seconds"], jobs=s["jobs"], cores=s["cores"],
                per_core=s["speed_x_real_time_per_core"]))]
