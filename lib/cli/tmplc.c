/* placeholder: writes empty lib/tmpl.{c,h} */
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv){ char p[4096]; FILE *f; if(argc<3) return 1;
 snprintf(p,sizeof p,"%s.h",argv[2]); f=fopen(p,"w"); fputs("#include \"buf.h\"\n",f); fclose(f);
 snprintf(p,sizeof p,"%s.c",argv[2]); f=fopen(p,"w"); fputs("#include \"tmpl.h\"\n",f); fclose(f); return 0;}
