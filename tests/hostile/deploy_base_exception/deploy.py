# A deploy raising an exception that is not an Exception.
class Stop(BaseException):
    pass


raise Stop("from the deploy")
