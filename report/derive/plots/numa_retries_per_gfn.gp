# (e) How retries concentrate on single gfns during NUMA-balancing-like
# invalidations (huge range, long phase 2): number of gfns by how many times
# a fault on that gfn was retried, log2 buckets. A long right tail is the
# "one gfn retried 15,190 times" report.
load dir.'/common.gp'
f = csvdir.'/numa_retries_per_gfn.csv'
set title sprintf("(e) Retries per gfn on numa (bench sim --pattern=numa --histogram)\nmost retries on one gfn: %s", numa_max) noenhanced
set xlabel 'retries of faults on one gfn (log2 buckets)'
set ylabel 'gfns (count, log scale)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#333333'
set logscale y
set yrange [0.8:*]
set format y '%.0f'
set xtics rotate by -45 scale 0
set key top right box opaque
plot for [i=2:ntrackers+1] f using i:xtic(1) lc rgb tr_color(i-1) \
     title columnhead(i)
