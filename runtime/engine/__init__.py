"""What runs any op on any host, knowing no family: plan, apply, render."""
