--[[ save_values: the shape of the values save takes per job, named once: encodeNewJob in
src/store/codec.ts builds the same groups (SAVE_JOB_VALUES there), and a test compares the two.
Needs nothing. Inlined, as status is: scripts write SAVE.JOB_VALUES and the assembler writes
its value instead, so no table is built on a call. ]]
--@inline

local SAVE = {
  -- Values of one job in save's ARGV (see the contract of save.lua). A schedule's template is
  -- one such group, stored without the trailing values that are '' (a template stored before
  -- unique keys has 12): schedule_fire pads it back to this length.
  JOB_VALUES = 16,
}
