# SPDX-License-Identifier: LGPL-2.1-only
# A PVH guest from configs/pvh.cfg (guest_life in lib.sh): create, list -l
# --json, pause and unpause, its disk and vif Connected, shutdown -w
# (on_poweroff destroy: gone after; preserve: shut down, then destroy), the
# tree checked against the schema at each phase. In the lab the same guest
# also reads and writes its disk and answers ping (the lab's guest hook).
guest_life pvh
