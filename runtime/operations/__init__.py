"""Operations by family, one module (or package) a family."""
