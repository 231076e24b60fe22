# (b) False negatives (a stale SPTE installed: the guest keeps a freed page)
# against the number of memslots one hva invalidation spans. Expected: `gfn`
# (the v12 patch) misses from K = 2 on; the others never do. The open
# circles are the end audit's stale SPTEs, which must agree in kind.
load dir.'/common.gp'
f = csvdir.'/fn_vs_slots.csv'
set title "(b) Missed invalidations vs memslots spanned by one invalidation\nbench sim --pattern=multislot --slots=K; lines: false negatives at the check, circles: stale SPTEs at the end audit" noenhanced
set xlabel 'memslots spanned by one hva invalidation, K (count)'
set ylabel 'missed invalidations per run (count)'
set xtics 1
set yrange [0:*]
set offsets 0.2, 0.2, 0, 0
eval key_inside
plot for [i=2:ntrackers+1] f using 1:i with linespoints lw 2 \
       lc rgb tr_color(i-1) pt tr_point(i-1) ps 1.3 dt tr_dash(i-1) \
       title columnhead(i).' (fn)', \
     for [i=2:ntrackers+1] f using 1:(column(i+ntrackers)) with points \
       lc rgb tr_color(i-1) pt 6 ps 2.2 lw 1.5 \
       title (i == 2 ? 'end audit: stale SPTEs' : '')
