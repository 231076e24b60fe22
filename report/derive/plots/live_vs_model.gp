# (f) The model against the live kernel: predicted against measured retries
# per fixed fault, one point per layout (bench live; full suite only; needs
# /dev/kvm). From `bench live --sweep`: training points (the model's timing
# factors were fitted on them), held-out points (predicted, never fitted)
# and unmodelled ones (per-page reclaim: measured, no prediction, not
# drawn). From plain `bench live`: aliased and control against the
# model's union rates, unfitted. Log-log; the line is y = x, the band
# +-25%; horizontal error bars: min..max of the measured runs.
load dir.'/common.gp'
f = csvdir.'/live_vs_model.csv'
set key autotitle columnhead
text = term_kind eq 'dumb'
# Only points with both values positive can sit on log axes.
ok(m, p) = (m > 0 && p > 0)
px(m, p) = ok(m, p) ? m : NaN
# The range: every drawable value, with some room. stats obeys the
# ranges, so it runs before any is set.
stats f using (ok($3, $6) ? $3 : NaN) nooutput
lo = STATS_min; hi = STATS_max
stats f using (ok($3, $6) ? $6 : NaN) nooutput
lo = STATS_min < lo ? STATS_min : lo
hi = STATS_max > hi ? STATS_max : hi
lo = lo / 2; hi = hi * 2
set logscale xy
set xrange [lo:hi]
set yrange [lo:hi]
set format x '%g'
set format y '%g'
set size square
set title (text ? sprintf("(f) %s", live_note) : sprintf("(f) The model against the live kernel: retries per fixed fault (bench live)\n%s", live_note)) noenhanced
set xlabel 'measured on this kernel (median of the runs; bar: min..max)' noenhanced
set ylabel 'predicted by the model (engine, union tracker)' noenhanced
if (text) { unset key } else { set key top left box opaque font ',9' }
set samples 200
role_is(r, want) = (r eq want)
plot '+' using 1:(0.75 * $1):(1.25 * $1) with filledcurves \
       lc rgb '#dde8f4' title 'within 25% of measured', \
     x with lines lw 1.5 lc rgb '#444444' title 'y = x', \
     f using (role_is(strcol(2), 'training') ? px($3, $6) : NaN):6:4:5 \
       with xerrorbars pt 7 ps 1.1 lc rgb '#0077bb' \
       title 'training (fitted)', \
     f using (role_is(strcol(2), 'held-out') ? px($3, $6) : NaN):6:4:5 \
       with xerrorbars pt 9 ps 1.3 lc rgb '#cc3311' \
       title 'held out (predicted, never fitted)', \
     f using (role_is(strcol(2), 'unfitted') ? px($3, $6) : NaN):6:4:5 \
       with xerrorbars pt 5 ps 1.1 lc rgb '#999999' \
       title 'plain bench live: nothing fitted'
# No point labels: two dozen names overlap; the table of bench live
# --sweep and csv/live_vs_model.csv name every point.
