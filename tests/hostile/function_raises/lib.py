import specops


@specops.function
def boom(x: int) -> int:
    return x // 0
