# The CX_HAVE_* macros by which src/util/portable.cpp picks the Linux system
# calls over its POSIX fallbacks. They are set on that file (and its unit
# test) only: no other file may choose between systems. With
# CX_PORTABLE_FALLBACKS=ON none is set, so a Linux build compiles and runs
# the fallbacks that macOS and the BSDs get.
include(CheckCXXSourceCompiles)
include(CheckCXXSymbolExists)

set(CX_PORTABLE_DEFINITIONS "")
if(NOT CX_PORTABLE_FALLBACKS)
  check_cxx_symbol_exists(pipe2 unistd.h CX_HAVE_PIPE2)
  check_cxx_symbol_exists(accept4 sys/socket.h CX_HAVE_ACCEPT4)
  check_cxx_source_compiles("#include <sys/socket.h>
    int main() { return SOCK_CLOEXEC | SOCK_NONBLOCK; }" CX_HAVE_SOCK_CLOEXEC)
  check_cxx_symbol_exists(IP_FREEBIND netinet/in.h CX_HAVE_IP_FREEBIND)
  check_cxx_symbol_exists(signalfd sys/signalfd.h CX_HAVE_SIGNALFD)
  check_cxx_symbol_exists(sigtimedwait signal.h CX_HAVE_SIGTIMEDWAIT)
  check_cxx_symbol_exists(close_range unistd.h CX_HAVE_CLOSE_RANGE)
  check_cxx_symbol_exists(PR_SET_NAME sys/prctl.h CX_HAVE_PR_SET_NAME)
  check_cxx_symbol_exists(splice fcntl.h CX_HAVE_SPLICE)
  check_cxx_symbol_exists(F_SETPIPE_SZ fcntl.h CX_HAVE_SETPIPE_SZ)
  check_cxx_symbol_exists(_NSGetExecutablePath mach-o/dyld.h CX_HAVE_NSGETEXECUTABLEPATH)
  # A file system, not a symbol: the target's kernel, not the build host's.
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(CX_HAVE_PROC_SELF_EXE 1)
  endif()
  foreach(have PIPE2 ACCEPT4 SOCK_CLOEXEC IP_FREEBIND SIGNALFD SIGTIMEDWAIT CLOSE_RANGE PR_SET_NAME
          SPLICE SETPIPE_SZ NSGETEXECUTABLEPATH PROC_SELF_EXE)
    if(CX_HAVE_${have})
      list(APPEND CX_PORTABLE_DEFINITIONS CX_HAVE_${have}=1)
    endif()
  endforeach()
endif()
if(CX_PORTABLE_DEFINITIONS)
  message(STATUS "cx: beyond POSIX: ${CX_PORTABLE_DEFINITIONS}")
else()
  message(STATUS "cx: the POSIX fallbacks of src/util/portable.h only")
endif()

# cx_portable_sources(FILE...) gives FILE (in the calling directory) the macros.
function(cx_portable_sources)
  set_property(SOURCE ${ARGN} APPEND PROPERTY COMPILE_DEFINITIONS ${CX_PORTABLE_DEFINITIONS})
endfunction()
