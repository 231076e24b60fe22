# The design-space plot of tools/design_space.sh: each tracker at (check cost
# with two invalidations in flight, spurious range retries on the target
# patterns as % of union's). Safe trackers on the Pareto front are joined;
# union and exact are the references; an unsafe tracker is drawn hollow.
set key top right box opaque noenhanced
set xlabel 'check cost with two invalidations in flight (CPU ns per check, bench stress check\_inflight/T/invals:2, median of 5)'
set ylabel 'spurious range retries, % of union (all patterns)'
set title "Retry trackers: check cost vs spurious range retries (bench sim + bench stress, one run)" noenhanced
set yrange [-5:*]
set offsets graph 0.08, graph 0.15, graph 0.05, graph 0.05
set grid lc rgb '#dddddd'
front = out.'/front.dat' # written by design_space.sh
set datafile separator comma
set style data points
do for [term = 1:3] {
	if (term == 1) { set terminal pngcairo size 1000,650 font 'DejaVu Sans,11'; set output out.'/design_space.png' }
	if (term == 2) { set terminal svg size 1000,650 font 'DejaVu Sans,11'; set output out.'/design_space.svg' }
	if (term == 3) { set terminal dumb size 100,32; set output out.'/design_space.txt' }
	plot front using 1:2 with lines lw 2 lc rgb '#2ca02c' title 'Pareto front (safe kernel-faithful trackers)', \
	     f skip 1 using ($6 == 1 && strcol(1) ne 'union' && strcol(1) ne 'exact' ? $3 : NaN):5 with points pt 7 ps 1.6 lc rgb '#1f77b4' title 'safe trackers', \
	     f skip 1 using (strcol(1) eq 'union' || strcol(1) eq 'exact' ? $3 : NaN):5 with points pt 5 ps 1.8 lc rgb '#d62728' title 'references: union, exact', \
	     f skip 1 using ($6 == 0 ? $3 : NaN):5 with points pt 6 ps 1.6 lc rgb '#7f7f7f' title 'unsafe', \
	     f skip 1 using 3:5:1 with labels offset 0.8, 0.8 left font ',10' noenhanced notitle
	unset output
}
