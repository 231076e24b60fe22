# (h) The cost of a step against the size of what it works on: steps/s of
# the deterministic engine against the guest's size (multislot, 4 slots,
# every invalidation crossing nearly the whole guest) and against the
# largest invalidation (single, 2^24-page slot), log-log. Expected: flat
# lines; the dashed line is `single` at its default size (4096 pages) in
# the same run. What still falls with the guest is memory: random faults
# on a large guest miss the caches, as they would in a dense table.
load dir.'/common.gp'
f = csvdir.'/size_sweep.csv'
set multiplot layout 1,2 title "(h) Steps/s vs size: a step costs O(log n + SPTEs present), not O(span)\nbench sim --steps=100000 per tracker; dashed: single at default size, same run" noenhanced
set logscale xy 2
set format x '2^{%L}'
set format y '%.0s%c'
set ylabel 'steps/s (log)'
set key bottom left box opaque
set xlabel 'guest size, pages (4 slots; 2^{32} = 16 TiB)'
plot for [i=2:ntrackers+1] f index 0 using 1:i with linespoints lw 2 \
       lc rgb tr_color(i-1) pt tr_point(i-1) ps 1.3 dt tr_dash(i-1) \
       title columnhead(i), \
     f index 0 using 1:(column(ntrackers+2)) with lines lw 2 dt 2 \
       lc rgb '#444444' title 'single, default size'
set xlabel 'largest invalidation, pages (single, 2^{24}-page slot)'
plot for [i=2:ntrackers+1] f index 1 using 1:i with linespoints lw 2 \
       lc rgb tr_color(i-1) pt tr_point(i-1) ps 1.3 dt tr_dash(i-1) \
       title columnhead(i), \
     f index 1 using 1:(column(ntrackers+2)) with lines lw 2 dt 2 \
       lc rgb '#444444' title 'single, default size'
unset multiplot
