# What `cmake --install` puts where, and the .deb CPack builds from it.
#
#   cmake --install build --prefix /usr/local     # or Homebrew's prefix
#   cpack --config build/CPackConfig.cmake -G DEB  # build/cx_VERSION_ARCH.deb
#
# The man page and the completion scripts are written at build time by
# cx_docgen from the command table (src/cli/command_table.cpp), the same
# table the binary parses with.

include(GNUInstallDirs)

add_executable(cx_docgen tools/docgen.cpp)
target_link_libraries(cx_docgen PRIVATE cxlib)

set(CX_DOC_DIR ${CMAKE_BINARY_DIR}/share)
set(cx_generated)
foreach(kind man bash zsh fish)
  if(kind STREQUAL "man")
    set(out ${CX_DOC_DIR}/cx.1)
  elseif(kind STREQUAL "bash")
    set(out ${CX_DOC_DIR}/cx.bash)
  elseif(kind STREQUAL "zsh")
    set(out ${CX_DOC_DIR}/_cx)
  else()
    set(out ${CX_DOC_DIR}/cx.fish)
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CX_DOC_DIR}
    COMMAND cx_docgen ${kind} ${out}
    DEPENDS cx_docgen
    COMMENT "cx_docgen ${kind}"
    VERBATIM)
  list(APPEND cx_generated ${out})
endforeach()
add_custom_target(cx_docs ALL DEPENDS ${cx_generated})

# zsh looks in site-functions under its own prefix (Homebrew, /usr/local);
# Debian's zsh keeps packaged completions in /usr/share/zsh/vendor-completions
# (it has no /usr/share/zsh/site-functions). Decided when installing, because
# CPack installs under a staging .../usr whatever the configured prefix.
set(CX_ZSH_COMPLETION_DIR "" CACHE STRING
  "Where zsh completions are installed (default: share/zsh/vendor-completions under Debian's /usr, else share/zsh/site-functions)")
install(TARGETS cx RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CX_DOC_DIR}/cx.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CX_DOC_DIR}/cx.bash DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME cx)
if(CX_ZSH_COMPLETION_DIR)
  install(FILES ${CX_DOC_DIR}/_cx DESTINATION ${CX_ZSH_COMPLETION_DIR})
else()
  install(CODE "
    if(CMAKE_INSTALL_PREFIX MATCHES \"(^|/)usr$\" AND EXISTS /etc/debian_version)
      set(cx_zsh_dir vendor-completions)
    else()
      set(cx_zsh_dir site-functions)
    endif()
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATAROOTDIR}/zsh/\${cx_zsh_dir}\"
      TYPE FILE FILES \"${CX_DOC_DIR}/_cx\")")
endif()
install(FILES ${CX_DOC_DIR}/cx.fish DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d)
install(FILES README.md .claude-exec.example DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The .deb. What cx needs at run time on the host:
# - what it links (dpkg-shlibdeps finds it: libc6, and with CX_STATIC_DEPS=OFF
#   also libssl3, libpugixml1v5, libstdc++6);
# - what it loads when first used (src/util/dynamic_library.h), which
#   dpkg-shlibdeps cannot see: libcurl4 (libcurl.so.4, OpenSSL flavour),
#   libidn2-0, libpsl5;
# - a container runtime's client, any one of several, so only recommended.
# socat, jq, the AWS CLI and Claude Code are needed only inside the image,
# which `cx build` makes: the host needs none of them.
set(CPACK_PACKAGE_NAME cx)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "cx maintainers <cx@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "run Claude Code in an ephemeral container with one IAM role's credentials")
set(CPACK_PACKAGE_DESCRIPTION
  "cx runs the Claude Code CLI in an ephemeral container that sees only the current project, the environment variables chosen for it, the network hosts allowed for it and the AWS permissions of one IAM role, and bills inference to your AWS account through Amazon Bedrock.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, libidn2-0, libpsl5")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "podman | docker.io | docker-ce | moby-engine")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_GENERATOR DEB)
include(CPack)
