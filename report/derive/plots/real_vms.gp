# (g) Real VMs (bench sim --vm=PRESET, every source that applies, summed):
# left, the share of a fault-bound vCPU's time lost to spurious retries per
# tracker; right, missed invalidations per hour of guest time (only the
# trackers that miss have bars). Sources and units: docs/vms.md.
load dir.'/common.gp'
f = csvdir.'/realvm.csv'

set multiplot layout 1, 2 title "(g) Real VMs: every preset under the sources that apply to it (bench sim --vm=P)" noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0 rotate by -30 font ',10' noenhanced
set key top left noenhanced
set yrange [0:*]
set title 'vCPU time lost to spurious retries (%)'
set ylabel '% of vCPU time'
plot for [t=1:nrealvm_trackers] f every ::1 using (column(1+t)):xtic(1) lc rgb tr_color(t) title word(realvm_trackers, t)
set title 'missed invalidations per hour of guest time'
set ylabel 'per hour'
plot for [t=1:nrealvm_trackers] f every ::1 using (column(1+nrealvm_trackers+t)):xtic(1) lc rgb tr_color(t) title word(realvm_trackers, t)
unset multiplot
