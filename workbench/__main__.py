from workbench.cli import main

if __name__ == "__main__":  # not when a spawned process (an import's reader) imports it as __mp_main__
    main()
