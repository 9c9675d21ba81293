// Attendance page: "全选" ticks every person of one unit's group.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-check-all]");
  if (!button) return;
  const group = document.querySelector(`[data-group="${button.dataset.checkAll}"]`);
  if (!group) return;
  const boxes = group.querySelectorAll("input[type=checkbox]");
  const tick = Array.from(boxes).some((box) => !box.checked);
  boxes.forEach((box) => { box.checked = tick; });
});
