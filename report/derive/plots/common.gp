# Shared look of every plot; loaded first by each script. The driver has set
# the terminal, the output and these variables: csvdir, trackers/ntrackers,
# stress_trackers/nstress_trackers, patterns/npatterns,
# stress_patterns/nstress_patterns, numa_max, live_note, term_kind (png, svg,
# dumb), realvm_trackers/nrealvm_trackers.
set datafile separator comma
set datafile missing 'nan'
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
# One colour, point and dash per tracker, the same in every plot, so a
# tracker is recognised across figures. Order: the sim's registry order.
tr_color(i) = word('#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #7f7f7f', (i - 1) % 8 + 1)
tr_point(i) = word('7 5 9 13 11 3 1 2', (i - 1) % 8 + 1) + 0
tr_dash(i) = (i - 1) % 4 + 1
# Where a per-tracker legend goes (`eval key_inside`): in the corner of a
# picture, but below the plot in text, where a boxed key inside would cover
# the curves and run past the frame once there are more or longer names.
key_inside = term_kind eq 'dumb' ? \
	'set key outside below center horizontal nobox noenhanced Left reverse width 1' : \
	'set key top left box opaque noenhanced'
