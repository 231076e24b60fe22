# (f) The live kernel against the model (bench live, full suite only; needs
# /dev/kvm). Left: retries per fixed fault on this machine's KVM per memslot
# layout (bar: median of the runs, error bar: min..max). Right: the
# aliased/control ratio measured there (error bar: range of the per-round
# ratios) beside the ratio the deterministic engine predicts on the same
# layout for union (what this kernel's gfn min/max tracking is) and hva. The
# dashed line at 1 is "aliasing costs nothing".
load dir.'/common.gp'
f = csvdir.'/live_vs_model.csv'
# Both blocks start with a header line; read it as one in every element.
set key autotitle columnhead
c_alias = '#cc3311'; c_control = '#0077bb'; c_plain = '#999999'
c_live = c_alias
# A tracker keeps its colour from the other plots (common.gp): its index in
# the run's tracker list, or 8 (grey) when the run has no sim results.
tr_index(n) = sum [i=1:ntrackers] (word(trackers, i) eq n ? i : 0)
tr_or_grey(n) = tr_index(n) > 0 ? tr_index(n) : 8
c_union = tr_color(tr_or_grey('union'))
c_hva = tr_color(tr_or_grey('hva'))
# `lc rgb variable` takes 0xRRGGBB numbers: the same colours as numbers.
eval sprintf('i_union = 0x%s; i_hva = 0x%s', c_union[2:], c_hva[2:])
layout_rgb(n) = n eq 'aliased' ? 0xcc3311 : n eq 'control' ? 0x0077bb : 0x999999
source_rgb(n) = n eq 'model: union' ? i_union : n eq 'model: hva' ? i_hva : 0xcc3311
# Rows per block (column 0: every row counts, nan or not) and the tallest
# value. stats obeys the ranges, so it runs before any is set.
stats f index 0 using 0 nooutput
n0 = STATS_records
stats f index 0 using 4 nooutput
top0 = STATS_max
stats f index 1 using 0 nooutput
n1 = STATS_records
stats f index 1 using 2 nooutput
top1 = STATS_max
stats f index 1 using 4 nooutput
top1 = STATS_max > top1 ? STATS_max : top1
# The text rendering (100 columns, for logs) has room for neither the long
# titles nor the legends: it keeps the bars, their values and the axes.
text = term_kind eq 'dumb'
set multiplot layout 1, 2 title (text ? sprintf("(f) Live KVM vs model (%s)", live_note) : sprintf("(f) Live KVM vs the model: retries caused by aliased memslots (bench live; %s)", live_note)) noenhanced
set style fill solid 0.8 border rgb '#333333'
set boxwidth 0.6
set xtics scale 0 nomirror
set format y '%g'
# Room above the tallest error bar for the legend, inside the panel.
headroom = text ? 1.15 : 1.6

set title (text ? 'retries/fixed fault: median, min..max' : 'Retries per fixed fault by layout (bar: median of the runs; error bar: min..max)') noenhanced
set xlabel 'memslot layout of the guest'
set ylabel (text ? '' : 'retries per fixed fault (retries / pf_fixed)') noenhanced
set xrange [-0.6:n0 - 0.4]
set yrange [0:headroom * top0]
if (text) { unset key } else { set key top right box opaque font ',9' }
plot f index 0 using 0:2:(layout_rgb(strcol(1))):xtic(1) with boxes \
       lc rgb variable notitle, \
     '' index 0 using 0:2:3:4 with yerrorbars lc rgb '#000000' pt 7 ps 0.6 \
       title 'min..max of the runs', \
     '' index 0 using 0:4:(sprintf('%.3g', $2)) with labels offset 0, 0.8 \
       font ',9' notitle, \
     NaN with boxes lc rgb c_alias \
       title 'aliased: two slots alias the invalidated memory', \
     NaN with boxes lc rgb c_control \
       title 'control: same layout and invalidations, no alias', \
     NaN with boxes lc rgb c_plain title 'single / multislot: plain rates'

set title (text ? 'aliased/control ratio, dashed: 1' : 'Aliased / control retry ratio: live kernel vs model') noenhanced
set xlabel 'source of the ratio'
set ylabel (text ? '' : 'retries per fixed fault, aliased / control (ratio)') noenhanced
set xrange [-0.6:n1 - 0.4]
set yrange [0:headroom * (top1 > 1 ? top1 : 1)]
if (text) { unset key } else { set key top right box opaque font ',9' }
plot f index 1 using 0:2:(source_rgb(strcol(1))):xtic(1) with boxes \
       lc rgb variable notitle, \
     '' index 1 using 0:2:3:4 with yerrorbars lc rgb '#000000' pt 7 ps 0.6 \
       title 'live: range of the per-round ratios', \
     '' index 1 using ($0 + 0.3):2:(sprintf('%.2f', $2)) with labels left \
       offset 0.5, 0.6 font ',9' notitle, \
     NaN with boxes lc rgb c_live \
       title 'live kernel: median aliased / median control', \
     NaN with boxes lc rgb c_union \
       title 'model, union tracker (this kernel: gfn min/max union)', \
     NaN with boxes lc rgb c_hva \
       title 'model, hva tracker (no false positives from aliasing)', \
     1 with lines dt 2 lw 1.5 lc rgb '#444444' \
       title 'ratio 1: aliasing costs nothing'
unset multiplot
