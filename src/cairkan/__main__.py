from cairkan.cli import main

main()
