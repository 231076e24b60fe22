# (c) Fault throughput against thread count, one panel per pattern, one line
# per tracker, and the ideal: the best tracker at the fewest threads scaled
# linearly. On 2 cores, lines that fall below the reference show contention
# on mmu_lock and retries, not a lack of CPUs.
load dir.'/common.gp'
f = csvdir.'/faults_vs_threads.csv'
# One cell per pattern and one for the legend, so that no legend hides a
# line whatever the number and names of the trackers.
cols = ceil((nstress_patterns + 1) / 2.0)
rows = 2
set multiplot layout rows, cols title "(c) Fault throughput vs vCPU threads, bench stress (median over repetitions; threads:n = n vCPU threads plus the pattern's invalidator threads)" noenhanced
set xlabel 'vCPU threads'
set xtics 1
unset key
set ylabel 'completed faults per second'
set yrange [0:*]
set format y '%.1s%c'
do for [p=1:nstress_patterns] {
	set title word(stress_patterns, p) noenhanced
	# One thread count (a quick run) is a range of zero width: widen it,
	# and never let gnuplot guess.
	stats f index (p-1) using 1 nooutput
	set xrange [STATS_min - (STATS_min == STATS_max ? 1 : 0.3) : STATS_max + (STATS_min == STATS_max ? 1 : 0.3)]
	plot for [i=2:nstress_trackers+1] f index (p-1) using 1:i \
	       with linespoints lw 2 lc rgb tr_color(i-1) pt tr_point(i-1) \
	       dt tr_dash(i-1) title word(stress_trackers, i-1), \
	     f index (p-1) using 1:(column(nstress_trackers+2)) with lines \
	       lw 1.5 dt 2 lc rgb '#000000' title 'linear scaling'
}
# The legend gets its own cell.
unset title; unset xlabel; unset ylabel; unset xtics; unset ytics
unset border; unset grid
set xrange [0:1]; set yrange [0:1]
set key center center box opaque noenhanced font ',9' samplen 3
plot for [i=2:nstress_trackers+1] NaN with linespoints lw 2 \
       lc rgb tr_color(i-1) pt tr_point(i-1) dt tr_dash(i-1) \
       title word(stress_trackers, i-1), \
     NaN with lines lw 1.5 dt 2 lc rgb '#000000' title 'linear scaling'
unset multiplot
