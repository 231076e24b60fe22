# The plot of `bench live`: the live kernel's retries against the model.
#   bench live --dat=results/live.dat
#   gnuplot -e "datafile='results/live.dat'; outfile='results/live.png'" live/live.gp
# Left: retries per fixed fault per layout (median, bar; min..max of the
# runs, error bar). Right: the aliased/control ratio measured on the live
# kernel (with the range of the per-round ratios) beside the ratios the
# deterministic engine predicts for the union and hva trackers; the line at
# 1 is "aliasing costs nothing".
if (!exists("datafile")) datafile = 'results/live.dat'
if (!exists("outfile")) outfile = 'results/live.png'

set terminal pngcairo size 1100,450 font ",10"
set output outfile
set multiplot layout 1,2 title "Live KVM (gfn union tracking): retries caused by aliased memslots"

set style fill solid 0.6 border -1
set boxwidth 0.6
set grid ytics
set xtics nomirror
set yrange [0:*]
set key off

set title "Retries per fixed fault, by layout (median, min..max)"
set ylabel "retries / fixed fault"
plot datafile index 0 using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     '' index 0 using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.5

set title "Aliased / control: live kernel (median, per-round range) vs model"
set ylabel "aliased / control"
plot datafile index 1 using 0:2:xtic(1) with boxes lc rgb "#cc6677", \
     '' index 1 using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.5, \
     1 with lines dt 2 lc rgb "gray40"

unset multiplot
