# (a) False-positive retry rate against the gfn distance D between two
# memslots that alias the same host memory. Expected: `union` rises with D
# (its min/max range spans the gap), `hva` and `exact` stay flat.
load dir.'/common.gp'
f = csvdir.'/fp_vs_distance.csv'
set title "(a) False-positive retries vs alias distance\nbench sim --pattern=alias: two memslots on one host range, D guest pages apart" noenhanced
set xlabel 'alias distance D (guest pages of 4 KiB, log scale)'
set ylabel 'false-positive retries per 100 fault attempts (%)'
set logscale x 2
set format x '%.0f'
set yrange [0:*]
eval key_inside
plot for [i=2:ntrackers+1] f using 1:i with linespoints lw 2 \
     lc rgb tr_color(i-1) pt tr_point(i-1) ps 1.3 dt tr_dash(i-1) \
     title columnhead(i)
