# (d) What each retry was: a true positive (the page really was being
# changed), a false positive from the range test, or from the sequence test.
# One panel per pattern (each with its own scale: `concurrent` has thousands
# of retries per fault where `single` has a fraction), one stacked bar per
# tracker. A short `gfn` bar on multislot is not a saving: those are the
# retries it missed (plot b).
load dir.'/common.gp'
f = csvdir.'/retry_breakdown.csv'
c_tp = '#2ca02c'; c_range = '#d62728'; c_seq = '#ff7f0e'
cols = ceil((npatterns + 1) / 2.0)
set multiplot layout 2, cols title "(d) Retry breakdown per pattern and tracker (bench sim --pattern=P, defaults; note each panel's own scale)" noenhanced
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.7
# Slanted tracker names: they fit any number of bars and any name length.
set xtics scale 0 font ',9' rotate by 30 right noenhanced
set yrange [0:*]
set format y '%g'
unset key
do for [p=1:npatterns] {
	set title word(patterns, p) noenhanced
	set ylabel ((p - 1) % cols == 0 ? 'retries per completed fault' : '')
	# `title columnhead` makes the block's header line a header, not a bar.
	plot f index (p-1) using 2:xtic(1) lc rgb c_tp title columnhead, \
	     '' index (p-1) using 3 lc rgb c_range title columnhead, \
	     '' index (p-1) using 4 lc rgb c_seq title columnhead
}
# The legend gets its own cell.
unset title; unset ylabel; unset xtics; unset ytics; unset border; unset grid
set key center center box opaque
set yrange [0:1]
plot NaN with boxes lc rgb c_tp title 'true positive', \
     NaN with boxes lc rgb c_range title 'false positive: range', \
     NaN with boxes lc rgb c_seq title 'false positive: sequence'
unset multiplot
