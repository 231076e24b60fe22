# (c) Fault throughput against thread count, one panel per pattern, one line
# per tracker, and the ideal: the best tracker at the fewest threads scaled
# linearly. On 2 cores, lines that fall below the reference show contention
# on mmu_lock and retries, not a lack of CPUs.
load dir.'/common.gp'
f = csvdir.'/faults_vs_threads.csv'
cols = ceil(nstress_patterns / 2.0)
rows = nstress_patterns > 1 ? 2 : 1
set multiplot layout rows, cols title "(c) Fault throughput vs vCPU threads, bench stress (median over repetitions; threads:n = n vCPU threads plus the pattern's invalidator threads)" noenhanced
set xlabel 'vCPU threads'
set autoscale xfix
set xtics 1
set ylabel 'completed faults per second'
set yrange [0:*]
set format y '%.1s%c'
set offsets 0.3, 0.3, 0, 0
do for [p=1:nstress_patterns] {
	set title word(stress_patterns, p) noenhanced
	if (p == 1) { set key top left box opaque font ',9' } else { unset key }
	plot for [i=2:nstress_trackers+1] f index (p-1) using 1:i \
	       with linespoints lw 2 lc rgb tr_color(i-1) pt tr_point(i-1) \
	       dt tr_dash(i-1) title word(stress_trackers, i-1), \
	     f index (p-1) using 1:(column(nstress_trackers+2)) with lines \
	       lw 1.5 dt 2 lc rgb '#000000' title 'linear scaling'
}
unset multiplot
